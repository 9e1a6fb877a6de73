// Whether the node's image list is proof of absence. The kubelet lists at most 50 images and at
// most 5 names per image; pullguard denies `Never` with an absent image (and predicts
// ErrImageNeverPull) only when neither cap was hit, else it warns. Tests that need that certainty
// call requireCompleteNodeImageLists() first: it fails with the images that break it, e.g. one
// image (one digest) pulled under 5 names by another test. The suite's own images each have their
// own digest (test/cluster/oci-image.sh labels the config with the name).

import { kubectl } from './kubectl.js';

interface NodeList {
  readonly items: readonly {
    readonly metadata: { readonly name: string };
    readonly status?: { readonly images?: readonly { readonly names?: readonly string[] }[] };
  }[];
}

/** Names of the images that make a node's list incomplete (empty when every list is complete). */
export async function incompleteNodeImageLists(): Promise<string[]> {
  const nodes = JSON.parse((await kubectl(['get', 'nodes', '-o', 'json'])).stdout) as NodeList;
  return nodes.items.flatMap((node) => {
    const images = node.status?.images ?? [];
    if (images.length >= 50) return [`${node.metadata.name}: ${images.length} images (the kubelet's cap)`];
    return images
      .filter((image) => (image.names?.length ?? 0) >= 5)
      .map(
        (image) =>
          `${node.metadata.name}: ${image.names?.[0] ?? '?'} listed with 5 names (the kubelet's cap)`,
      );
  });
}

export async function requireCompleteNodeImageLists(): Promise<void> {
  const problems = await incompleteNodeImageLists();
  if (problems.length > 0) {
    throw new Error(
      `node image lists are incomplete, so pullguard cannot be certain an image is absent: ${problems.join('; ')}. ` +
        'Push one image per name (test/cluster/oci-image.sh per reference) for images pulled onto the node.',
    );
  }
}
