// `audit --docker-config`: CI's own registry credentials. They answer "does this image exist?"
// for registries that refuse or hide anonymous requests, without pretending the pod could pull:
// the answer is kept apart (ImageFacts.withToolCredentials) from the pod's own probes.

import type { ImageFacts, PullCredential } from '../core/facts.js';
import type { ProbeRequest, RegistryProber } from '../core/gather.js';
import { lookupCredentials } from '../credentials/keyring.js';
import { repositoryName } from '../image/reference.js';

const INCONCLUSIVE = new Set(['unauthorized', 'forbidden', 'not-found']);

export function withToolCredentials(
  inner: RegistryProber,
  credentials: readonly PullCredential[],
): RegistryProber {
  if (credentials.length === 0) return inner;
  return {
    async probe(requests, signal) {
      const first = await inner.probe(requests, signal);
      const second: ProbeRequest[] = [];
      for (const request of requests) {
        const anonymous = first.get(request.pointer)?.anonymous;
        if (request.credentials.length > 0 || !anonymous || !INCONCLUSIVE.has(anonymous.outcome)) continue;
        const matching = lookupCredentials(credentials, repositoryName(request.ref));
        if (matching.length > 0) second.push({ ...request, credentials: matching });
      }
      if (second.length === 0 || signal.aborted) return first;
      const answers = await inner.probe(second, signal);
      const merged = new Map<string, ImageFacts>(first);
      for (const request of second) {
        const probes = answers.get(request.pointer)?.withCredentials ?? [];
        const deciding = probes.find((probe) => probe.result.outcome === 'ok') ?? probes[0];
        const own = merged.get(request.pointer);
        if (deciding && own) merged.set(request.pointer, { ...own, withToolCredentials: deciding.result });
      }
      return merged;
    },
  };
}
