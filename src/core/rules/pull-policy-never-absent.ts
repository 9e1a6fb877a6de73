import { formatReference, repositoryName, type ImageReference } from '../../image/reference.js';
import type { NodeFact } from '../facts.js';
import type { Rule } from '../rule.js';

/**
 * Never, and no node the pod can land on reports the image: ErrImageNeverPull. Node image lists are
 * cut at nodeStatusMaxImages (default 50), so absence is certain only when the node facts are
 * complete and every candidate's list is shorter than the cap; otherwise this warns. The patch
 * (IfNotPresent) changes an immutable Pod field, so it applies on CREATE only.
 */
export const pullPolicyNeverAbsent: Rule = {
  id: 'pull-policy-never-absent',
  check({ pullPolicy, ref, facts, container }) {
    if (pullPolicy !== 'Never' || !ref) return undefined;
    if (!facts.nodes) {
      // Deny only on certainty: without node facts this can only say what it could not check.
      return {
        detail:
          'imagePullPolicy Never; could not check whether any node has the image: no node facts (cluster not read)',
        certain: false,
      };
    }
    const { candidates, complete } = facts.nodes;
    if (candidates.length === 0) return undefined; // unschedulable: not an image question
    if (candidates.some((node) => nodeHasImage(node, ref))) return undefined;
    const capped = candidates.filter((node) => node.imageListCapped).length;
    const certain = complete && capped === 0;
    const nodes = candidates.length === 1 ? `node ${candidates[0]?.name}` : `${candidates.length} nodes`;
    const detail = certain
      ? `imagePullPolicy Never, and none of the ${nodes} the pod can land on has the image (ErrImageNeverPull)`
      : `imagePullPolicy Never, and the image is not listed on the ${nodes} the pod can land on; could not confirm: ${
          complete
            ? `${capped} node image list(s) are cut at the reporting cap`
            : 'the node list is incomplete'
        }`;
    return {
      detail,
      certain,
      patch: [{ op: 'replace', path: `${container.pointer}/imagePullPolicy`, value: 'IfNotPresent' }],
      podCreateOnly: true,
      patchNote: 'imagePullPolicy Never changed to IfNotPresent: no node the pod can land on has the image',
    };
  },
};

/** Node names are stored fully qualified; a digest matches repo@digest, else repo:tag (latest by default). */
export function nodeHasImage(node: NodeFact, ref: ImageReference): boolean {
  const wanted = ref.digest
    ? `${repositoryName(ref)}@${ref.digest}`
    : formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag ?? 'latest' });
  return node.images.includes(wanted);
}
