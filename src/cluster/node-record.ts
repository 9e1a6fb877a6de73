// A Node reduced to what pull decisions read: labels and taints for placement, platform, and the
// image names of status.images (normalised, interned: the same names repeat on every node).

import type { Platform } from '../core/facts.js';
import { formatReference, parseImageReference } from '../image/reference.js';
import type { StringPool } from './store.js';

/** nodeStatusMaxImages default: the kubelet reports at most this many images per node. */
export const DEFAULT_NODE_IMAGE_CAP = 50;

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}

/** kubelet's maxNamesPerImageInNodeStatus (pkg/kubelet/nodestatus/setters.go). */
export const MAX_NAMES_PER_IMAGE = 5;

export interface NodeRecord {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly platform: Platform;
  /** Fully qualified names (`docker.io/library/nginx:1.27`, `...@sha256:...`). */
  readonly images: readonly string[];
  /** The list may miss images or names: cut at the image cap, or an image at 5 names. */
  readonly imageListCapped: boolean;
}

export interface NodeRecordOptions {
  readonly imageCap?: number;
  readonly pool?: StringPool;
  /** Raw name -> normalised name, shared across nodes so each distinct name is parsed once. */
  readonly normalised?: Map<string, string>;
}

export function nodeRecord(node: unknown, options: NodeRecordOptions = {}): NodeRecord | undefined {
  const metadata = field(node, 'metadata');
  const name = field(metadata, 'name');
  if (typeof name !== 'string' || name === '') return undefined;
  const labels = stringMap(field(metadata, 'labels'), options.pool);
  const spec = field(node, 'spec');
  const status = field(node, 'status');
  const info = field(status, 'nodeInfo');
  const os =
    str(field(info, 'operatingSystem')) ??
    labels['kubernetes.io/os'] ??
    labels['beta.kubernetes.io/os'] ??
    '';
  const architecture =
    str(field(info, 'architecture')) ??
    labels['kubernetes.io/arch'] ??
    labels['beta.kubernetes.io/arch'] ??
    '';
  const rawImages = field(status, 'images');
  const imageList = Array.isArray(rawImages) ? rawImages : [];
  const cap = options.imageCap ?? DEFAULT_NODE_IMAGE_CAP;
  const images = new Set<string>();
  let namesCapped = false;
  for (const image of imageList) {
    const names = field(image, 'names');
    if (!Array.isArray(names)) continue;
    // The kubelet lists at most 5 names per image: with 5, other tags of the same image may be cut.
    if (names.length >= MAX_NAMES_PER_IMAGE) namesCapped = true;
    for (const raw of names) if (typeof raw === 'string') images.add(normaliseImageName(raw, options));
  }
  const taintList = field(spec, 'taints');
  return {
    name: intern(name, options.pool),
    labels,
    taints: Array.isArray(taintList) ? taintList.flatMap((t) => taintOf(t, options.pool)) : [],
    platform: { os: intern(os, options.pool), architecture: intern(architecture, options.pool) },
    images: [...images],
    imageListCapped: (cap >= 0 && imageList.length >= cap) || namesCapped,
  };
}

/** Names are compared in the fully qualified form the container image also gets. */
export function normaliseImageName(
  raw: string,
  options: Pick<NodeRecordOptions, 'pool' | 'normalised'> = {},
): string {
  const cached = options.normalised?.get(raw);
  if (cached !== undefined) return cached;
  const parsed = parseImageReference(raw);
  const name = intern(parsed.ok ? formatReference(parsed.ref) : raw, options.pool);
  if (options.normalised && options.normalised.size < 200_000) options.normalised.set(raw, name);
  return name;
}

function taintOf(taint: unknown, pool: StringPool | undefined): Taint[] {
  const key = str(field(taint, 'key'));
  const effect = str(field(taint, 'effect'));
  if (key === undefined || effect === undefined) return [];
  return [
    {
      key: intern(key, pool),
      value: intern(str(field(taint, 'value')) ?? '', pool),
      effect: intern(effect, pool),
    },
  ];
}

function stringMap(value: unknown, pool: StringPool | undefined): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value))
    if (typeof v === 'string') out[intern(key, pool)] = intern(v, pool);
  return out;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function intern(value: string, pool: StringPool | undefined): string {
  return pool ? pool.intern(value) : value;
}
