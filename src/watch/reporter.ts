// Sends confirmed failures to the Kubernetes API: an Event on the pod (always) and one
// PolicyReport per namespace when the wgpolicyk8s.io/v1alpha2 CRD is served (checked through
// API discovery; skipped silently otherwise). Errors are reported, never thrown into the pipeline.

import {
  ApiException,
  ApisApi,
  CustomObjectsApi,
  EventsV1Api,
  V1MicroTime,
  type EventsV1Event,
  type KubeConfig,
} from '@kubernetes/client-node';
import { buildPolicyReport, diagnosisEvent, type PolicyResultInput } from './diagnosis.js';
import type { ConfirmedFailure } from './pipeline.js';

const MAX_RESULTS_PER_NAMESPACE = 500;

export interface ReporterOptions {
  readonly instance: string;
  readonly now: () => number;
  readonly onError: (error: unknown) => void;
}

export class KubernetesReporter {
  private readonly events: EventsV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly apis: ApisApi;
  private policyReports: boolean | undefined;
  private readonly results = new Map<string, Map<string, PolicyResultInput>>();
  private readonly dirty = new Set<string>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: ReporterOptions,
  ) {
    this.events = kubeConfig.makeApiClient(EventsV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.apis = kubeConfig.makeApiClient(ApisApi);
  }

  /** The pipeline's onFailure hook: fire and forget. */
  failure(failure: ConfirmedFailure): void {
    const namespace = failure.pod.namespace;
    let byPod = this.results.get(namespace);
    if (!byPod) this.results.set(namespace, (byPod = new Map()));
    byPod.set(`${failure.pod.uid}/${failure.container.name}`, { failure, at: this.options.now() });
    if (byPod.size > MAX_RESULTS_PER_NAMESPACE) byPod.delete(byPod.keys().next().value ?? '');
    this.dirty.add(namespace);
    // eventTime is a MicroTime: the API server refuses a Date's millisecond ISO form.
    const now = new V1MicroTime(this.options.now());
    const body = diagnosisEvent(failure, this.options.instance, now) as unknown as EventsV1Event;
    this.events.createNamespacedEvent({ namespace, body }).catch(this.options.onError);
  }

  /** Writes the PolicyReports of namespaces with new results (call periodically). */
  async flushPolicyReports(): Promise<void> {
    if (this.dirty.size === 0) return;
    this.policyReports ??= await this.policyReportsServed(); // undefined again after a failed discovery
    const namespaces = [...this.dirty];
    this.dirty.clear();
    if (!this.policyReports) return;
    for (const namespace of namespaces) {
      const body = buildPolicyReport(namespace, [...(this.results.get(namespace)?.values() ?? [])]);
      const target = { group: 'wgpolicyk8s.io', version: 'v1alpha2', namespace, plural: 'policyreports' };
      try {
        const existing = await this.custom
          .getNamespacedCustomObject({ ...target, name: 'pullguard-image-pulls' })
          .catch((error: unknown) => {
            if (error instanceof ApiException && error.code === 404) return undefined;
            throw error;
          });
        if (existing) {
          const resourceVersion = (existing as { metadata?: { resourceVersion?: string } }).metadata
            ?.resourceVersion;
          const metadata = { ...(body.metadata as object), resourceVersion };
          await this.custom.replaceNamespacedCustomObject({
            ...target,
            name: 'pullguard-image-pulls',
            body: { ...body, metadata },
          });
        } else {
          await this.custom.createNamespacedCustomObject({ ...target, body });
        }
      } catch (error) {
        this.options.onError(error);
      }
    }
  }

  private async policyReportsServed(): Promise<boolean | undefined> {
    try {
      const groups = await this.apis.getAPIVersions();
      return groups.groups.some(
        (group) => group.name === 'wgpolicyk8s.io' && group.versions.some((v) => v.version === 'v1alpha2'),
      );
    } catch (error) {
      this.options.onError(error);
      return undefined;
    }
  }
}
