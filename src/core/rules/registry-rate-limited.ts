import type { Rule } from '../rule.js';
import { pullSucceeds, withMirrorPatch } from './registry-results.js';

/** 429 or no pulls remaining: the kubelet's pull would fail with toomanyrequests. */
export const registryRateLimited: Rule = {
  id: 'registry-rate-limited',
  check(context) {
    const results = context.decidingResults;
    if (pullSucceeds(results) || !results.some((result) => result.outcome === 'rate-limited'))
      return undefined;
    return withMirrorPatch(context, {
      detail: '429 Too Many Requests (toomanyrequests): the registry refuses more pulls for now',
      certain: true,
    });
  },
};
