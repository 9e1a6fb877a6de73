import { isMutableReference, repositoryName } from '../../image/reference.js';
import type { ImageFacts } from '../facts.js';
import type { Rule } from '../rule.js';

/**
 * No tag or `latest`: what runs can change under the pod, and the policy defaults to Always.
 * The patch pins the tag to the digest the registry resolved, on Pods by default; pinning pod
 * templates makes every re-apply roll the workload, so it is opt-in (patch.pinTemplates).
 */
export const imageTagMutable: Rule = {
  id: 'image-tag-mutable',
  check({ ref, container, workload, config, imageFacts }) {
    if (!ref || !isMutableReference(ref)) return undefined;
    const what = ref.tag === undefined ? 'no tag (means latest)' : 'tag latest';
    const detail = `${what} is not reproducible and defaults imagePullPolicy to Always; pin a version or digest`;
    const digest = resolvedDigest(imageFacts);
    const pinAllowed = workload.kind === 'Pod' || config.patch.pinTemplates;
    if (!digest || !pinAllowed) return { detail, certain: true };
    const pinned = `${container.image as string}${ref.tag === undefined ? ':latest' : ''}@${digest}`;
    return {
      detail,
      certain: true,
      patch: [{ op: 'replace', path: `${container.pointer}/image`, value: pinned }],
      patchNote: `pinned ${repositoryName(ref)} to ${digest}`,
    };
  },
};

function resolvedDigest(images: ImageFacts | undefined): string | undefined {
  if (!images) return undefined;
  const ok = [
    images.anonymous,
    ...(images.withCredentials ?? []).map((probe) => probe.result),
    images.withToolCredentials,
  ].find((result) => result?.outcome === 'ok' && result.digest);
  return ok?.digest;
}
