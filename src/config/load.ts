// Configuration is read and validated once (ajv, defaults applied), then deep-frozen: every other
// module receives a Config and never reads files or the environment itself.

import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { RULES, type Action, type RuleId } from '../core/catalog.js';
import { configSchema, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: true });
const validate = ajv.compile(configSchema);

/** Builds a Config from parsed YAML/JSON; throws ConfigError naming the bad key. */
export function buildConfig(raw: unknown, source = 'config'): Config {
  const input: unknown = raw === null || raw === undefined ? {} : structuredClone(raw);
  if (!validate(input)) throw new ConfigError(source, describe(validate.errors?.[0]));
  const parsed = input as Omit<Config, 'rules'> & { rules: Partial<Record<RuleId, Action>> };
  const rules = Object.fromEntries(
    RULES.map((rule) => [rule.id, parsed.rules[rule.id] ?? rule.defaultAction]),
  ) as Record<RuleId, Action>;
  if (parsed.probe.timeoutMs >= parsed.budgetMs) {
    throw new ConfigError(
      source,
      `/probe/timeoutMs (${parsed.probe.timeoutMs}) must be below /budgetMs (${parsed.budgetMs})`,
    );
  }
  return deepFreeze({ ...parsed, rules });
}

export async function loadConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    throw new ConfigError(path, `invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return buildConfig(raw, path);
}

export const DEFAULT_CONFIG: Config = buildConfig({}, 'defaults');

function describe(error: ErrorObject | undefined): string {
  if (!error) return 'invalid configuration';
  const path = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    return `${path === '/' ? '' : path}/${key}: unknown key`;
  }
  if (error.keyword === 'enum') {
    return `${path}: must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
  }
  return `${path}: ${error.message ?? 'invalid'}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
