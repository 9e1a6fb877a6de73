import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { RecentFailures } from '../../../src/watch/history.js';
import { Ledger } from '../../../src/watch/ledger.js';
import { WatchPipeline, type ConfirmedFailure } from '../../../src/watch/pipeline.js';
import { IMAGE, NOT_FOUND, T0, UNAUTHORIZED, event, pod, running, waiting } from './fixtures.js';

function setup(options: { maxPods?: number } = {}) {
  let now = T0;
  const registry = new Registry();
  const ledger = new Ledger(registry);
  const history = new RecentFailures({ windowMs: 3_600_000, maxEntries: 100, now: () => now });
  const failures: ConfirmedFailure[] = [];
  const pipeline = new WatchPipeline({
    ledger,
    history,
    now: () => now,
    maxPods: options.maxPods ?? 100,
    settleMs: 60_000,
    registry,
    onFailure: (failure) => failures.push(failure),
  });
  const at = (seconds: number) => {
    now = T0 + seconds * 1000;
  };
  const container = (uid = 'uid-1', name = 'api') => pipeline.tracker.pods.get(uid)?.containers.get(name);
  return { pipeline, ledger, history, failures, registry, at, container };
}

const okPrediction = '{"v":1,"c":{"api":"ok"}}';
const notFoundPrediction = '{"v":1,"c":{"api":"not-found"}}';

describe('image state machine: successful pulls', () => {
  it('goes Waiting -> Pulling -> Pulled with duration and size from the event', () => {
    const { pipeline, ledger, container, at } = setup();
    pipeline.podAdded(pod({ prediction: okPrediction, state: waiting('ContainerCreating') }));
    expect(container()?.state).toBe('Waiting');
    pipeline.event(event({ reason: 'Pulling', message: `Pulling image "${IMAGE}"`, at: 1 }));
    expect(container()?.state).toBe('Pulling');
    at(3);
    pipeline.event(
      event({
        reason: 'Pulled',
        message: `Successfully pulled image "${IMAGE}" in 1.2s (1.3s including waiting). Image size: 4194304 bytes.`,
        at: 3,
      }),
    );
    at(4);
    pipeline.podAdded(pod({ prediction: okPrediction, state: running() }));
    const state = container();
    expect(state?.state).toBe('Pulled');
    expect(state?.pullDurationMs).toBe(1200);
    expect(state?.pullWaitingMs).toBe(1300);
    expect(state?.sizeBytes).toBe(4194304);
    expect(state?.obtained).toBe('pulled');
    expect(ledger.summary().joins['ok-predicted-and-pulled']).toBe(1);
    expect(ledger.summary().total).toBe(1);
  });

  it('tells a cache hit from a pull, and counts "ran only because cached"', () => {
    const { pipeline, ledger, container } = setup();
    pipeline.podAdded(pod({ prediction: notFoundPrediction }));
    pipeline.event(
      event({ reason: 'Pulled', message: `Container image "${IMAGE}" already present on machine`, at: 1 }),
    );
    expect(container()?.state).toBe('CachedOnNode');
    expect(container()?.obtained).toBe('cached');
    expect(ledger.summary().joins['ran-only-because-cached']).toBe(1);
  });

  it('refines a status-only start when the Pulled event arrives late, and ignores stale Pulling', () => {
    const { pipeline, ledger, container, at } = setup();
    at(40);
    pipeline.podAdded(pod({ prediction: okPrediction, state: running() }));
    expect(container()?.state).toBe('ImageReady');
    expect(ledger.summary().total).toBe(0);
    pipeline.event(
      event({
        reason: 'Pulled',
        message: `Successfully pulled image "${IMAGE}" in 850ms (850ms including waiting). Image size: 10 bytes.`,
        at: 38,
      }),
    );
    expect(container()?.state).toBe('Pulled');
    pipeline.event(event({ reason: 'Pulling', message: `Pulling image "${IMAGE}"`, at: 37 }));
    expect(container()?.state).toBe('Pulled');
    expect(ledger.summary().joins['ok-predicted-and-pulled']).toBe(1);
  });
});

describe('image state machine: failures and back-off', () => {
  it('follows ErrImagePull <-> ImagePullBackOff cycles, counting attempts and the back-off', () => {
    const { pipeline, ledger, container, failures, history, at } = setup();
    pipeline.podAdded(pod({ prediction: notFoundPrediction, state: waiting('ContainerCreating') }));
    const failed = (count: number, seconds: number) =>
      event({
        reason: 'Failed',
        type: 'Warning',
        message: `Failed to pull image "${IMAGE}": ${NOT_FOUND}`,
        at: seconds,
        count,
        name: 'web-1.failed-pull',
      });
    const backoff = (count: number, seconds: number) =>
      event({
        reason: 'BackOff',
        message: `Back-off pulling image "${IMAGE}"`,
        at: seconds,
        count,
        name: 'web-1.backoff',
      });
    pipeline.event(
      event({
        reason: 'Pulling',
        message: `Pulling image "${IMAGE}"`,
        at: 1,
        count: 1,
        name: 'web-1.pulling',
      }),
    );
    pipeline.event(failed(1, 2));
    pipeline.event(
      event({ reason: 'Failed', type: 'Warning', message: 'Error: ErrImagePull', at: 2, name: 'web-1.err' }),
    );
    expect(container()?.state).toBe('ErrImagePull');
    expect(container()?.outcome).toBe('not-found');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reference).toBe(IMAGE);
    pipeline.event(backoff(1, 3));
    pipeline.event(
      event({
        reason: 'Failed',
        type: 'Warning',
        message: 'Error: ImagePullBackOff',
        at: 3,
        name: 'web-1.errbo',
      }),
    );
    expect(container()?.state).toBe('ImagePullBackOff');
    at(3);
    pipeline.podAdded(
      pod({
        prediction: notFoundPrediction,
        state: waiting('ImagePullBackOff', `Back-off pulling image "${IMAGE}"`),
      }),
    );
    // second attempt 10 s later, third 20 s after that (the kubelet's doubling back-off)
    pipeline.event(
      event({
        reason: 'Pulling',
        message: `Pulling image "${IMAGE}"`,
        at: 13,
        count: 2,
        name: 'web-1.pulling',
      }),
    );
    expect(container()?.state).toBe('Pulling');
    pipeline.event(failed(2, 14));
    pipeline.event(backoff(2, 15));
    pipeline.event(failed(3, 34));
    pipeline.event(failed(3, 34)); // the same object again (re-list): not counted twice
    pipeline.event(backoff(3, 35));
    const state = container();
    expect(state?.attempts).toBe(3);
    expect(state?.backOffs).toBe(3);
    expect(state?.lastBackOffMs).toBe(20_000);
    expect(state?.failureReason).toBe('ErrImagePull');
    expect(state?.outcome).toBe('not-found');
    expect(failures).toHaveLength(1);
    expect(ledger.summary().joins['failure-predicted-same']).toBe(1);
    expect(ledger.summary().total).toBe(1);
    expect(history.recent([IMAGE]).get(IMAGE)).toMatchObject({
      outcome: 'not-found',
      reason: 'ErrImagePull',
      pods: 1,
    });
  });

  it('counts attempts from statuses alone when no event arrives', () => {
    const { pipeline, container, ledger, at } = setup();
    const statusPod = (reason: string, message?: string) =>
      pod({ prediction: okPrediction, state: waiting(reason, message) });
    pipeline.podAdded(statusPod('ErrImagePull', UNAUTHORIZED));
    at(5);
    pipeline.podAdded(statusPod('ImagePullBackOff', `Back-off pulling image "${IMAGE}"`));
    at(12);
    pipeline.podAdded(statusPod('ErrImagePull', UNAUTHORIZED));
    at(15);
    pipeline.podAdded(statusPod('ImagePullBackOff', `Back-off pulling image "${IMAGE}"`));
    expect(container()?.attempts).toBe(2);
    expect(container()?.backOffs).toBe(2);
    expect(container()?.lastBackOffMs).toBe(12_000);
    expect(container()?.outcome).toBe('unauthorized');
    expect(ledger.summary().joins['ok-predicted-but-failed']).toBe(1);
  });

  it('waits for the cause when only a back-off was seen, and judges it as unknown when the pod goes', () => {
    const { pipeline, ledger } = setup();
    pipeline.podAdded(pod({ state: waiting('ImagePullBackOff', `Back-off pulling image "${IMAGE}"`) }));
    expect(ledger.summary().total).toBe(0);
    pipeline.podDeleted(pod({ state: waiting('ImagePullBackOff', `Back-off pulling image "${IMAGE}"`) }));
    expect(ledger.summary().rows).toEqual([
      { predicted: 'none', actual: 'unknown', join: 'no-prediction-failed', count: 1 },
    ]);
  });

  it.each([
    [
      'ErrImageNeverPull',
      'ErrImageNeverPull',
      `Container image "${IMAGE}" is not present with pull policy of Never`,
      'never-pull',
    ],
    [
      'InspectFailed',
      'InvalidImageName',
      `Failed to apply default image tag "Team/API": couldn't parse image name "Team/API": invalid reference format: repository name must be lowercase`,
      'invalid-name',
    ],
    [
      'InspectFailed',
      'ImageInspectError',
      `Failed to inspect image "${IMAGE}": rpc error: code = Unknown desc = layer does not exist`,
      'unknown',
    ],
  ])('event %s -> %s (%s)', (reason, state, message, outcome) => {
    const { pipeline, container, failures } = setup();
    pipeline.podAdded(pod());
    pipeline.event(event({ reason, type: 'Warning', message, at: 1 }));
    expect(container()?.state).toBe(state);
    expect(container()?.outcome).toBe(outcome);
    expect(failures.map((failure) => failure.outcome)).toEqual([outcome]);
  });

  it.each([
    [
      'ErrImageNeverPull',
      `Container image "${IMAGE}" is not present with pull policy of Never`,
      'never-pull',
    ],
    [
      'InvalidImageName',
      'failed to parse image reference "Team/API": invalid reference format: repository name must be lowercase',
      'invalid-name',
    ],
    ['ImageInspectError', 'Failed to inspect image: layer does not exist', 'unknown'],
    ['RegistryUnavailable', 'registry unavailable', 'unknown'],
    ['SignatureValidationFailed', 'image signature verification failed', 'unknown'],
  ])('status %s is a failure state (%s)', (reason, message, outcome) => {
    const { pipeline, container, ledger } = setup();
    pipeline.podAdded(pod({ prediction: okPrediction, state: waiting(reason, message) }));
    expect(container()?.state).toBe(reason);
    expect(container()?.outcome).toBe(outcome);
    expect(ledger.summary().joins['ok-predicted-but-failed']).toBe(1);
  });
});

describe('image state machine: what is not an image state', () => {
  it('does not count CrashLoopBackOff or its BackOff event', () => {
    const { pipeline, container, failures, ledger } = setup();
    pipeline.podAdded(pod({ prediction: okPrediction }));
    pipeline.event(
      event({ reason: 'Pulled', message: `Container image "${IMAGE}" already present on machine`, at: 1 }),
    );
    pipeline.event(
      event({
        reason: 'BackOff',
        type: 'Warning',
        message: 'Back-off restarting failed container api in pod web-1_shop(uid-1)',
        at: 20,
        count: 4,
      }),
    );
    pipeline.podAdded(
      pod({
        prediction: okPrediction,
        state: waiting('CrashLoopBackOff', 'back-off 40s restarting failed container=api'),
        lastState: { terminated: { exitCode: 1 } },
      }),
    );
    expect(container()?.state).toBe('CachedOnNode');
    expect(container()?.backOffs).toBe(0);
    expect(failures).toHaveLength(0);
    expect(ledger.summary().joins['ok-predicted-and-cached']).toBe(1);
  });

  it('ignores Failed events that are not about the image', () => {
    const { pipeline, container } = setup();
    pipeline.podAdded(pod());
    pipeline.event(
      event({ reason: 'Failed', type: 'Warning', message: 'Error: CreateContainerConfigError', at: 1 }),
    );
    expect(container()?.state).toBe('Waiting');
  });
});

describe('image state machine: incarnations, ordering and memory', () => {
  it('ignores events of an old incarnation of the same pod name', () => {
    const { pipeline, container, failures } = setup();
    pipeline.podAdded(pod({ uid: 'uid-1' }));
    pipeline.podDeleted(pod({ uid: 'uid-1' }));
    pipeline.podAdded(pod({ uid: 'uid-2' }));
    // The deleted incarnation, and one never seen.
    for (const uid of ['uid-1', 'uid-0']) {
      pipeline.event(
        event({
          reason: 'Failed',
          type: 'Warning',
          message: `Failed to pull image "${IMAGE}": ${NOT_FOUND}`,
          at: 5,
          uid,
        }),
      );
    }
    expect(container('uid-2')?.state).toBe('Waiting');
    expect(pipeline.tracker.pods.has('uid-1')).toBe(false);
    expect(pipeline.tracker.pods.has('uid-0')).toBe(false);
    expect(failures).toHaveLength(0);
  });

  it('holds events that arrive before their pod, and joins them with the prediction once it comes', () => {
    const { pipeline, ledger, container } = setup();
    pipeline.event(
      event({
        reason: 'Failed',
        type: 'Warning',
        message: `Failed to pull image "${IMAGE}": ${NOT_FOUND}`,
        at: 2,
      }),
    );
    expect(container()?.state).toBe('ErrImagePull');
    expect(ledger.summary().total).toBe(0);
    pipeline.podAdded(pod({ prediction: notFoundPrediction }));
    expect(ledger.summary().joins['failure-predicted-same']).toBe(1);
  });

  it('forgets a pod deleted mid-pull, counts it as unjudged and ignores its late events', async () => {
    const { pipeline, ledger, registry } = setup();
    pipeline.podAdded(pod({ prediction: okPrediction }));
    pipeline.event(event({ reason: 'Pulling', message: `Pulling image "${IMAGE}"`, at: 1 }));
    pipeline.podDeleted(pod({ prediction: okPrediction }));
    expect(pipeline.tracker.size).toBe(0);
    pipeline.event(
      event({
        reason: 'Pulled',
        message: `Successfully pulled image "${IMAGE}" in 1s (1s including waiting). Image size: 1 bytes.`,
        at: 3,
      }),
    );
    expect(pipeline.tracker.size).toBe(0);
    expect(ledger.summary().total).toBe(0);
    expect(await registry.getSingleMetricAsString('pullguard_watch_unjudged_total')).toContain(
      'state="Pulling"} 1',
    );
  });

  it('caps tracked pods, and the sweep drops events of pods never seen', () => {
    const { pipeline, at } = setup({ maxPods: 3 });
    for (let i = 0; i < 5; i += 1) pipeline.podAdded(pod({ uid: `u${i}`, name: `p${i}` }));
    expect(pipeline.tracker.size).toBe(3);
    pipeline.podDeleted(pod({ uid: 'u0', name: 'p0' }));
    pipeline.event(
      event({
        reason: 'Pulling',
        message: `Pulling image "${IMAGE}"`,
        at: 1,
        uid: 'ghost',
        podName: 'ghost',
      }),
    );
    expect(pipeline.tracker.pods.has('ghost')).toBe(true);
    at(120);
    pipeline.sweep();
    expect(pipeline.tracker.pods.has('ghost')).toBe(false);
    expect(pipeline.tracker.size).toBe(2);
  });

  it('records pull secrets the kubelet could not read', () => {
    const { pipeline } = setup();
    pipeline.podAdded(pod());
    pipeline.event(
      event({
        reason: 'FailedToRetrieveImagePullSecret',
        type: 'Warning',
        container: null,
        message:
          'Unable to retrieve some image pull secrets (regcred, other); attempting to pull the image may not succeed.',
        at: 1,
      }),
    );
    expect(pipeline.tracker.pods.get('uid-1')?.missingSecrets).toEqual(['regcred', 'other']);
  });

  it('after the settle time, a status-only start is left unjudged rather than guessed', () => {
    const { pipeline, ledger, at, container } = setup();
    pipeline.podAdded(pod({ prediction: okPrediction, state: running() }));
    at(120);
    pipeline.sweep();
    expect(container()?.judged).toBe(true);
    expect(ledger.summary().total).toBe(0);
  });
});
