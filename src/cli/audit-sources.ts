// The fact sources `pullguard audit` can use in this build: the one place where the registry
// prober, the cluster reader and the manifest view are plugged into the audit command.
// A source left out makes its flag (--registry, --cluster) fail with exit 2.

import type { AuditSourceFactories } from './audit.js';

export function defaultAuditSources(): AuditSourceFactories {
  return {};
}
