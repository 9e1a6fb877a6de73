// Live registry evidence for one image: DNS and TLS of the host, the manifest asked anonymously
// and with every credential the kubelet would try (and those that narrowly miss), and the tag
// list when the manifest is not found. Each question is asked once per run (memoised).

import { isUnreachable } from '../core/outcomes.js';
import type { PullCredential } from '../core/facts.js';
import { manifestReference, type ImageReference } from '../image/reference.js';
import type { CredentialMatches } from './credentials.js';
import type { RegistryInspector } from './inspector.js';
import { nearestTag } from './nearest-tag.js';
import {
  probeEvidence,
  type CredentialEvidence,
  type ProbeEvidence,
  type RegistryEvidence,
  type TagsEvidence,
} from './types.js';

const MAX_CREDENTIALS = 5;

export async function registryEvidence(
  inspector: RegistryInspector,
  ref: ImageReference,
  matches: CredentialMatches,
): Promise<RegistryEvidence> {
  const [dns, tls, anonymous] = await Promise.all([
    inspector.dns(ref.domain),
    inspector.tls(ref),
    inspector.manifest(ref).then(probeEvidence),
  ]);
  const credentials: CredentialEvidence[] = [];
  const probeWith = async (credential: PullCredential) =>
    probeEvidence(await inspector.manifest(ref, credential));
  const unreachable = isUnreachable(anonymous.outcome) || anonymous.outcome.startsWith('dns-');
  for (const credential of matches.kubelet.slice(0, MAX_CREDENTIALS)) {
    const probe = unreachable ? undefined : await probeWith(credential);
    credentials.push({
      secret: credential.secretName,
      key: credential.key,
      match: 'kubelet',
      ...(probe ? { probe } : {}),
    });
  }
  for (const { credential, mismatch } of matches.nearMisses.slice(0, MAX_CREDENTIALS)) {
    const probe = unreachable ? undefined : await probeWith(credential);
    credentials.push({
      secret: credential.secretName,
      key: credential.key,
      match: 'near-miss',
      mismatch,
      ...(probe ? { probe } : {}),
    });
  }
  const tags = await tagEvidence(inspector, ref, anonymous, credentials, matches);
  return {
    host: ref.domain,
    origin: inspector.origin(ref),
    dns,
    tls,
    anonymous,
    credentials,
    ...(tags ? { tags } : {}),
  };
}

/** Tags are listed only when some answer was "not found": with the first credential that gets in, else anonymously. */
async function tagEvidence(
  inspector: RegistryInspector,
  ref: ImageReference,
  anonymous: ProbeEvidence,
  credentials: readonly CredentialEvidence[],
  matches: CredentialMatches,
): Promise<TagsEvidence | undefined> {
  const answers = [anonymous, ...credentials.flatMap((c) => (c.probe ? [c.probe] : []))];
  if (!answers.some((answer) => answer.outcome === 'not-found')) return undefined;
  const all = [
    ...matches.kubelet.slice(0, MAX_CREDENTIALS),
    ...matches.nearMisses.slice(0, MAX_CREDENTIALS).map((n) => n.credential),
  ];
  const working = credentials.findIndex((c) => c.probe?.outcome === 'not-found' || c.probe?.outcome === 'ok');
  const credential = working >= 0 ? all[working] : undefined;
  const answer = await inspector.tags(ref, credential);
  const wanted = ref.tag ?? manifestReference(ref);
  const nearest = answer.tags ? nearestTag(wanted, answer.tags) : undefined;
  return {
    outcome: answer.outcome,
    ...(answer.httpStatus !== undefined ? { httpStatus: answer.httpStatus } : {}),
    ...(answer.tags ? { count: answer.tags.length } : {}),
    ...(credential ? { secret: credential.secretName } : {}),
    ...(nearest ? { nearest } : {}),
  };
}
