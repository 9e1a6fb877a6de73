import { matchRegistry } from '../../registry/registry-match.js';
import type { Rule } from '../rule.js';
import { codeSuffix } from './registry-results.js';

/**
 * The registry says the tag, digest or repository does not exist. An anonymous "not found" from a
 * registry declared private may be a private repository in disguise: pull-secret-missing covers it,
 * unless the auditor's own credentials (audit --docker-config) confirm the image is absent.
 */
export const imageNotFound: Rule = {
  id: 'image-not-found',
  check(context) {
    const facts = context.imageFacts;
    const results = context.decidingResults;
    const anonymousOnly = !facts?.withCredentials?.length;
    const tool = facts?.withToolCredentials?.outcome;
    // Anonymous access refused, and the auditor's own credentials find nothing: absent either way.
    if (
      anonymousOnly &&
      tool === 'not-found' &&
      results.every((r) => r.outcome === 'unauthorized' || r.outcome === 'forbidden')
    ) {
      return {
        detail: `not found${codeSuffix(facts?.withToolCredentials)} (checked with the auditor credentials): the registry has no such tag, digest or repository`,
        certain: true,
      };
    }
    if (results.length === 0 || !results.every((result) => result.outcome === 'not-found')) return undefined;
    // The auditor's own credentials see it: a private repository hidden behind not-found.
    if (anonymousOnly && tool === 'ok') return undefined;
    const confirmed = anonymousOnly && tool === 'not-found';
    if (anonymousOnly && !confirmed && context.ref && matchRegistry(context.config, context.ref)?.private)
      return undefined;
    return {
      detail: `not found${codeSuffix(results[0])}: the registry has no such tag, digest or repository`,
      certain: true,
    };
  },
};
