import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG, buildConfig } from '../../../src/config/load.js';
import { RULES } from '../../../src/core/catalog.js';
import { actionFor } from '../../../src/core/policy.js';
import { neededFacts, rulePlan } from '../../../src/core/rule-plan.js';

const config = buildConfig({
  rules: { 'image-not-found': 'off', 'image-tag-mutable': 'deny' },
  namespaceOverrides: [
    { namespaces: ['dev-*'], rules: { 'image-tag-mutable': 'off', 'image-not-found': 'warn' } },
  ],
});

describe('rulePlan', () => {
  it.each(['prod', 'dev-a', null])(
    'holds every rule not off in %s, with its action, in catalog order',
    (ns) => {
      const expected = RULES.map((rule) => [rule.id, actionFor(config, rule.id, ns)]).filter(
        ([, action]) => action !== 'off',
      );
      expect(rulePlan(config, ns).rules.map(({ rule, action }) => [rule.id, action])).toEqual(expected);
    },
  );

  it('needs the facts of the enabled rules only', () => {
    const registryOff = buildConfig({
      rules: Object.fromEntries(
        RULES.filter((rule) => (rule.needs as readonly string[]).includes('registry')).map((rule) => [
          rule.id,
          'off',
        ]),
      ),
    });
    expect(neededFacts(registryOff, 'a').has('registry')).toBe(false);
    expect(neededFacts(DEFAULT_CONFIG, 'a').has('registry')).toBe(true);
  });

  it.each(['prod', 'dev-a'])('needs exactly what the catalog says its enabled rules read, in %s', (ns) => {
    const expected = new Set(
      RULES.filter((rule) => actionFor(config, rule.id, ns) !== 'off').flatMap((rule) => [...rule.needs]),
    );
    expect([...neededFacts(config, ns)].sort()).toEqual([...expected].sort());
  });

  it('is worked out once per config and namespace', () => {
    expect(rulePlan(config, 'prod')).toBe(rulePlan(config, 'prod'));
    expect(rulePlan(config, 'prod')).not.toBe(rulePlan(config, 'dev-a'));
  });
});
