// Which action a rule takes for a given namespace and image: per-rule defaults, per-namespace
// overrides (first matching override wins), and exemptions that switch pullguard off entirely.

import type { Config } from '../config/schema.js';
import type { Action, RuleId } from './catalog.js';

const globCache = new Map<string, RegExp>();

/** `*` matches any run of characters; everything else is literal. */
export function globMatches(glob: string, value: string): boolean {
  let regex = globCache.get(glob);
  if (!regex) {
    const source = glob
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`^${source}$`);
    if (globCache.size < 1000) globCache.set(glob, regex);
  }
  return regex.test(value);
}

export function actionFor(config: Config, rule: RuleId, namespace: string | null): Action {
  if (namespace !== null) {
    for (const override of config.namespaceOverrides) {
      const action = override.rules[rule];
      if (action && override.namespaces.some((glob) => globMatches(glob, namespace))) return action;
    }
  }
  return config.rules[rule];
}

export function namespaceExempt(config: Config, namespace: string | null): boolean {
  return namespace !== null && config.exemptions.namespaces.some((glob) => globMatches(glob, namespace));
}

/** An image prefix matches the image as written or its fully qualified form. */
export function imageExempt(config: Config, written: string, qualified: string | undefined): boolean {
  return config.exemptions.images.some(
    (prefix) => written.startsWith(prefix) || (qualified !== undefined && qualified.startsWith(prefix)),
  );
}
