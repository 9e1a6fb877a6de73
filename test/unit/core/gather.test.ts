import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG, buildConfig } from '../../../src/config/load.js';
import {
  gatherFacts,
  startGathering,
  type ProbeRequest,
  type RegistryProber,
} from '../../../src/core/gather.js';
import { walkWorkload } from '../../../src/workload/walker.js';
import { podSpec, workload } from '../../support/workloads.js';

function recordingProber(): RegistryProber & { asked: ProbeRequest[][] } {
  const asked: ProbeRequest[][] = [];
  return {
    asked,
    probe: async (requests) => {
      asked.push([...requests]);
      return new Map(requests.map((r) => [r.pointer, { anonymous: { outcome: 'ok' as const } }]));
    },
  };
}

const signal = new AbortController().signal;

describe('gatherFacts', () => {
  it('never probes a registry for imagePullPolicy Never (the kubelet does not either)', async () => {
    const prober = recordingProber();
    const target = walkWorkload(
      workload(
        'Deployment',
        podSpec(
          { name: 'never', image: 'registry.example.com/a:1', imagePullPolicy: 'Never' },
          { name: 'pulled', image: 'registry.example.com/b:1' },
          { name: 'invalid', image: 'UPPER' },
        ),
      ),
    )!;
    const facts = await gatherFacts(target, { prober }, DEFAULT_CONFIG, signal);
    expect(prober.asked).toHaveLength(1);
    expect(prober.asked[0]?.map((r) => r.pointer)).toEqual(['/spec/template/spec/containers/1']);
    expect([...facts.images.keys()]).toEqual(['/spec/template/spec/containers/1']);
  });

  it('asks no source when every rule that needs it is off', async () => {
    const prober = recordingProber();
    const config = buildConfig({
      rules: Object.fromEntries(
        [
          'pull-secret-missing',
          'pull-credentials-rejected',
          'image-not-found',
          'platform-unavailable',
          'registry-unresolvable',
          'registry-unreachable',
          'registry-rate-limited',
        ].map((id) => [id, 'off']),
      ),
    });
    await gatherFacts(
      walkWorkload(workload('Pod', podSpec({ name: 'a', image: 'x.io/a:1' })))!,
      { prober },
      config,
      signal,
    );
    expect(prober.asked).toEqual([]);
  });

  it('says why cluster facts are unknown when there is no cluster', async () => {
    const facts = await gatherFacts(
      walkWorkload(workload('Pod', podSpec({ name: 'a', image: 'x.io/a:1' })))!,
      {},
      DEFAULT_CONFIG,
      signal,
    );
    expect(facts.clusterUnknown).toBe('no cluster access');
    expect(facts.pullSecrets).toBeUndefined();
  });
});

describe('startGathering', () => {
  const pod = () => walkWorkload(workload('Pod', podSpec({ name: 'a', image: 'x.io/a:1' })))!;

  it('answers at once, with nothing left to wait for, when the prober has every answer cached', () => {
    const prober = recordingProber();
    const cachedAnswer = new Map([['/spec/containers/0', { anonymous: { outcome: 'ok' as const } }]]);
    const gathering = startGathering(
      pod(),
      { prober: { ...prober, cached: () => cachedAnswer } },
      DEFAULT_CONFIG,
    );
    expect(gathering.complete).toBeUndefined();
    expect(gathering.facts.images).toBe(cachedAnswer);
    expect(prober.asked).toEqual([]);
  });

  it('leaves the registry step for later when one answer is not cached, with the other facts known now', async () => {
    const prober = recordingProber();
    const gathering = startGathering(
      pod(),
      { prober: { ...prober, cached: () => undefined } },
      DEFAULT_CONFIG,
    );
    expect(gathering.facts.clusterUnknown).toBe('no cluster access');
    expect(gathering.facts.images.size).toBe(0);
    const facts = await gathering.complete!(signal);
    expect(prober.asked).toHaveLength(1);
    expect([...facts.images.keys()]).toEqual(['/spec/containers/0']);
    expect(facts.clusterUnknown).toBe('no cluster access');
  });

  it('does not ask the registries once the signal has aborted', async () => {
    const prober = recordingProber();
    const gathering = startGathering(pod(), { prober }, DEFAULT_CONFIG);
    const aborted = new AbortController();
    aborted.abort();
    const facts = await gathering.complete!(aborted.signal);
    expect(prober.asked).toEqual([]);
    expect(facts.images.size).toBe(0);
  });
});
