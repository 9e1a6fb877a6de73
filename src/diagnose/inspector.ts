// What diagnose asks registries, behind one narrow interface so the decision logic can be tested
// with a fake: a manifest probe (the shared prober), the tag list, DNS and TLS of the host.

import type { ProbeResult, PullCredential } from '../core/facts.js';
import type { PullOutcome } from '../core/outcomes.js';
import type { ImageReference } from '../image/reference.js';
import type { DnsEvidence, TlsEvidence } from './types.js';

export interface TagsAnswer {
  readonly outcome: PullOutcome;
  readonly httpStatus?: number;
  readonly tags?: readonly string[];
}

export interface RegistryInspector {
  /** HEAD (and GET for an index) of the manifest, with the credential or anonymously. */
  manifest(ref: ImageReference, credential?: PullCredential): Promise<ProbeResult>;
  /** `GET /v2/<name>/tags/list`. */
  tags(ref: ImageReference, credential?: PullCredential): Promise<TagsAnswer>;
  dns(host: string): Promise<DnsEvidence>;
  /** TLS handshake with the registry's API host; `plain-http` when it is spoken to without TLS. */
  tls(ref: ImageReference): Promise<TlsEvidence>;
  /** `https://host` or `http://host`: where the API is asked. */
  origin(ref: ImageReference): string;
  close(): Promise<void>;
}
