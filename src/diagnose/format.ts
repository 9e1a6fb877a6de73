// Text and JSON renderings of a diagnosis. Text is for people: state, evidence, then the one
// sentence and the fix; JSON is the documented shape of types.ts, unchanged.

import type {
  ContainerDiagnosis,
  DiagnoseReport,
  PodDiagnosis,
  ProbeEvidence,
  RegistryEvidence,
} from './types.js';

export function formatJson(report: DiagnoseReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function formatText(report: DiagnoseReport): string {
  if (report.pods.length === 0) return 'no pod with an image problem\n';
  return report.pods.map(formatPod).join('\n');
}

function formatPod(pod: PodDiagnosis): string {
  const lines = [
    `pod ${pod.namespace}/${pod.name}  node ${pod.node ?? '(not scheduled)'}  phase ${pod.phase ?? '?'}`,
  ];
  const s = pod.pullSecrets;
  const listed = s.secrets.map(
    (secret) =>
      `${secret.name} (${secret.status}${secret.invalid ? `, unusable: ${secret.invalid}` : ''}${secret.keys.length ? `, keys ${secret.keys.join(' ')}` : ''})`,
  );
  const whose =
    s.source === 'pod'
      ? "the pod's"
      : s.source === 'serviceAccount'
        ? `ServiceAccount ${s.serviceAccount}'s`
        : s.source === 'none'
          ? `none (pod and ServiceAccount ${s.serviceAccount} list none): pulls are anonymous`
          : 'unknown';
  lines.push(`  pull secrets: ${whose}${listed.length ? `: ${listed.join(', ')}` : ''}`);
  if (s.missing.length) lines.push(`  kubelet could not retrieve: ${s.missing.join(', ')}`);
  for (const container of pod.containers) lines.push(...formatContainer(container));
  return `${lines.join('\n')}\n`;
}

function formatContainer(c: ContainerDiagnosis): string[] {
  const h = c.history;
  const lines = [``, `  container ${c.name}  image ${c.image}  pullPolicy ${c.pullPolicy}`];
  const counts =
    h.attempts > 0
      ? `, ${h.attempts} failed attempt${h.attempts === 1 ? '' : 's'}, in back-off${h.lastBackOffSeconds ? `, last interval ${h.lastBackOffSeconds}s` : ''}`
      : '';
  lines.push(`    state:     ${h.state}${counts}`);
  if (h.lastMessage) lines.push(`    kubelet:   ${h.lastMessage}`);
  if (c.category) lines.push(`    category:  ${c.category}`);
  if (c.registry) lines.push(...formatRegistry(c.registry));
  if (c.node)
    lines.push(
      `    node:      ${c.node.name} ${c.node.platform}, image ${c.node.hasImage === true ? 'present' : c.node.hasImage === false ? 'absent' : 'not listed (list capped)'}`,
    );
  if (c.runningElsewhere?.length)
    lines.push(
      `    elsewhere: ${c.runningElsewhere.map((o) => `${o.pod} on ${o.node}`).join(', ')} (Running)`,
    );
  lines.push(`    diagnosis: ${c.diagnosis}`);
  for (const note of c.notes) lines.push(`    note:      ${note}`);
  if (c.fix.length) {
    lines.push('    fix:');
    for (const command of c.fix) lines.push(`      ${command}`);
  }
  return lines;
}

function formatRegistry(r: RegistryEvidence): string[] {
  const dns = r.dns?.error ? `DNS ${r.dns.error}` : `DNS ${r.dns?.addresses?.join(' ') ?? '?'}`;
  const tls = !r.tls
    ? ''
    : r.tls.status === 'plain-http'
      ? ', plain HTTP'
      : `, TLS ${r.tls.status}${r.tls.error ? ` (${r.tls.error})` : ''}${r.tls.subject ? ` CN=${r.tls.subject}` : ''}`;
  const lines = [`    registry:  ${r.origin}  ${dns}${tls}`];
  if (r.anonymous) lines.push(`    anonymous: ${probe(r.anonymous)}`);
  for (const c of r.credentials) {
    const match = c.match === 'kubelet' ? 'matches' : `does not match: ${c.mismatch ?? ''}`;
    lines.push(
      `    secret:    ${c.secret} key ${JSON.stringify(c.key)} ${match}; ${c.probe ? probe(c.probe) : 'not probed'}`,
    );
  }
  if (r.tags) {
    const by = r.tags.secret ? `with ${r.tags.secret}` : 'anonymously';
    lines.push(
      `    tags:      ${r.tags.outcome === 'ok' ? `${r.tags.count ?? 0} listed ${by}${r.tags.nearest ? `, nearest ${r.tags.nearest}` : ''}` : `not listed ${by} (${r.tags.httpStatus ?? r.tags.outcome})`}`,
    );
  }
  return lines;
}

function probe(p: ProbeEvidence): string {
  const status = p.httpStatus
    ? `${p.httpStatus}${p.registryCode ? ` ${p.registryCode}` : ''}`
    : (p.detail ?? '');
  const platforms = p.platforms ? ` platforms ${p.platforms.join(', ') || 'none'}` : '';
  return `HEAD manifest -> ${p.outcome}${status ? ` (${status})` : ''}${platforms}`;
}
