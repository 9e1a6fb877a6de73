import { matchRegistry } from '../../registry/registry-match.js';
import type { Rule } from '../rule.js';
import { codeSuffix, decidingResults, imageFacts } from './registry-results.js';

/**
 * The registry says the tag, digest or repository does not exist. An anonymous "not found" from a
 * registry declared private may be a private repository in disguise: pull-secret-missing covers it.
 */
export const imageNotFound: Rule = {
  id: 'image-not-found',
  check(context) {
    const facts = imageFacts(context);
    const results = decidingResults(facts);
    if (results.length === 0 || !results.every((result) => result.outcome === 'not-found')) return undefined;
    const anonymousOnly = !facts?.withCredentials?.length;
    if (anonymousOnly && context.ref && matchRegistry(context.config, context.ref)?.private) return undefined;
    return {
      detail: `not found${codeSuffix(results[0])}: the registry has no such tag, digest or repository`,
      certain: true,
    };
  },
};
