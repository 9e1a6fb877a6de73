// Sorts parsed documents into what the audit judges (workloads, with the line of every
// container's image), what it learns from (Secrets and ServiceAccounts count as cluster facts),
// and what it skips (not a Kubernetes object, or a kind that runs no containers).

import { isObject, walkWorkload, type JsonObject, type Workload } from '../workload/walker.js';
import type { ParsedDocument } from './documents.js';

export interface AuditTarget {
  readonly source: string;
  readonly document: number;
  /** Line where the object starts. */
  readonly line: number;
  readonly workload: Workload;
  /** Line of `image:` for each container, keyed by the container's JSON Pointer. */
  readonly imageLines: ReadonlyMap<string, number>;
}

/** Secrets and ServiceAccounts found in the audited manifests. */
export interface ManifestObjects {
  readonly secrets: JsonObject[];
  readonly serviceAccounts: JsonObject[];
}

export interface SkipCounts {
  notKubernetes: number;
  notWorkload: number;
}

export interface Classified {
  readonly targets: AuditTarget[];
  readonly manifests: ManifestObjects;
  readonly skipped: SkipCounts;
}

export function emptyClassified(): Classified {
  return {
    targets: [],
    manifests: { secrets: [], serviceAccounts: [] },
    skipped: { notKubernetes: 0, notWorkload: 0 },
  };
}

export function classifyDocument(doc: ParsedDocument, into: Classified): void {
  classifyObject(doc.value, '', doc, into, 0);
}

// Lists nest rarely; the bound keeps a hostile document from recursing without end.
const MAX_LIST_DEPTH = 8;

function classifyObject(
  value: unknown,
  prefix: string,
  doc: ParsedDocument,
  into: Classified,
  depth: number,
): void {
  if (!isObject(value) || typeof value.kind !== 'string' || typeof value.apiVersion !== 'string') {
    into.skipped.notKubernetes += 1;
    return;
  }
  if (value.kind.endsWith('List') && Array.isArray(value.items) && depth < MAX_LIST_DEPTH) {
    value.items.forEach((item: unknown, index) =>
      classifyObject(item, `${prefix}/items/${index}`, doc, into, depth + 1),
    );
    return;
  }
  if (value.kind === 'Secret' && value.apiVersion === 'v1') {
    into.manifests.secrets.push(value);
    return;
  }
  if (value.kind === 'ServiceAccount' && value.apiVersion === 'v1') {
    into.manifests.serviceAccounts.push(value);
    return;
  }
  const workload = walkWorkload(value);
  if (!workload) {
    into.skipped.notWorkload += 1;
    return;
  }
  const imageLines = new Map<string, number>();
  for (const container of workload.containers) {
    imageLines.set(container.pointer, doc.lineOf(`${prefix}${container.pointer}/image`));
  }
  into.targets.push({
    source: doc.source,
    document: doc.index,
    line: prefix === '' ? doc.line : doc.lineOf(prefix),
    workload,
    imageLines,
  });
}
