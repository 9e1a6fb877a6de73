// The configuration's JSON Schema (validated with ajv, defaults applied) and its TypeScript shape.
// Keys named in the contract (rules, registries, platform, budgetMs) keep their names.

import { ACTIONS, RULE_IDS, type Action, type RuleId } from '../core/catalog.js';

export interface RegistryConfig {
  /** Matched like the kubelet matches credentials: host (globs per label), port, path prefix. */
  readonly prefix: string;
  readonly private: boolean;
  readonly pullSecret?: string;
  /** Path to an extra CA (PEM) for TLS to this registry. */
  readonly ca?: string;
  /** Plain HTTP. */
  readonly insecure: boolean;
  /** Rewrite target for patches (`mirror.corp.example/dockerhub`). */
  readonly mirror?: string;
}

export interface NamespaceOverride {
  /** Namespace names or globs (`dev-*`). */
  readonly namespaces: readonly string[];
  readonly rules: Readonly<Partial<Record<RuleId, Action>>>;
}

export interface Exemptions {
  readonly namespaces: readonly string[];
  /** Image prefixes as written or fully qualified (`docker.io/library/`, `registry.corp.example/tools/`). */
  readonly images: readonly string[];
}

export interface PatchConfig {
  /** Pin tags to digests in pod templates too (every re-apply of a Deployment then rolls). */
  readonly pinTemplates: boolean;
}

export interface ProbeConfig {
  /** Extra address ranges (CIDR) never contacted unless the registry is listed under `registries`. */
  readonly blockedCidrs: readonly string[];
  /** Per-request timeout, kept under budgetMs. */
  readonly timeoutMs: number;
  /** Parallel requests to one registry. */
  readonly maxConcurrencyPerRegistry: number;
  readonly cacheTtlSeconds: number;
  readonly negativeCacheTtlSeconds: number;
}

export interface WatchConfig {
  /** Namespaces the watcher follows; empty means all. */
  readonly namespaces: readonly string[];
  /** How long a pull failure is served to admission as image-recently-failed. */
  readonly recentFailureWindowSeconds: number;
  /** Pod incarnations held in memory at most. */
  readonly maxTrackedPods: number;
  /** Namespace of pullguard itself: the leader Lease and the recent-failures ConfigMap live there. */
  readonly pullguardNamespace: string;
}

export interface Config {
  readonly rules: Readonly<Record<RuleId, Action>>;
  readonly registries: readonly RegistryConfig[];
  readonly platform: string;
  readonly budgetMs: number;
  readonly namespaceOverrides: readonly NamespaceOverride[];
  readonly exemptions: Exemptions;
  readonly patch: PatchConfig;
  readonly probe: ProbeConfig;
  readonly watch: WatchConfig;
}

const actionSchema = { type: 'string', enum: [...ACTIONS] };
const rulesSchema = {
  type: 'object',
  properties: Object.fromEntries(RULE_IDS.map((id) => [id, actionSchema])),
  additionalProperties: false,
};
const stringList = { type: 'array', items: { type: 'string', minLength: 1 }, default: [] };

export const configSchema = {
  $id: 'https://pullguard.dev/config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: { ...rulesSchema, default: {} },
    registries: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['prefix'],
        properties: {
          prefix: { type: 'string', minLength: 1, pattern: '^[^\\s]+$' },
          private: { type: 'boolean', default: false },
          pullSecret: { type: 'string', minLength: 1 },
          ca: { type: 'string', minLength: 1 },
          insecure: { type: 'boolean', default: false },
          mirror: { type: 'string', minLength: 1 },
        },
      },
    },
    platform: { type: 'string', pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$', default: 'linux/amd64' },
    budgetMs: { type: 'integer', minimum: 50, maximum: 29000, default: 2000 },
    namespaceOverrides: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['namespaces', 'rules'],
        properties: { namespaces: { ...stringList, minItems: 1 }, rules: rulesSchema },
      },
    },
    exemptions: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { namespaces: stringList, images: stringList },
    },
    patch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { pinTemplates: { type: 'boolean', default: false } },
    },
    probe: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        blockedCidrs: stringList,
        timeoutMs: { type: 'integer', minimum: 10, maximum: 29000, default: 1500 },
        maxConcurrencyPerRegistry: { type: 'integer', minimum: 1, maximum: 256, default: 16 },
        cacheTtlSeconds: { type: 'integer', minimum: 0, default: 300 },
        negativeCacheTtlSeconds: { type: 'integer', minimum: 0, default: 30 },
      },
    },
    watch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        namespaces: stringList,
        recentFailureWindowSeconds: { type: 'integer', minimum: 60, maximum: 604800, default: 3600 },
        maxTrackedPods: { type: 'integer', minimum: 100, maximum: 1000000, default: 50000 },
        pullguardNamespace: {
          type: 'string',
          minLength: 1,
          pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
          default: 'pullguard',
        },
      },
    },
  },
} as const;
