// client-node adapters for self-managed certificates: the Secret that holds the certificate and
// the caBundle of a webhook configuration. Every write is a PUT/POST carrying the resourceVersion
// just read, so a concurrent writer makes it fail with 409 (Conflict) instead of being overwritten.

import {
  AdmissionregistrationV1Api,
  ApiException,
  CoreV1Api,
  type KubeConfig,
  type V1Secret,
} from '@kubernetes/client-node';
import type { StoredCertificate } from './rotation.js';
import { Conflict, type CaBundleTarget, type CertificateStore, type Versioned } from './self-managed.js';

export const GENERATION_ANNOTATION = 'pullguard.dev/certificate-generation';

const KEYS = { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt', caBundle: 'ca-bundle.crt' } as const;

const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined) => (text ? Buffer.from(text, 'base64').toString() : '');

function conflictOn409(what: string) {
  return (error: unknown): never => {
    if (error instanceof ApiException && error.code === 409) throw new Conflict(what);
    throw error;
  };
}

export function secretStore(kubeConfig: KubeConfig, namespace: string, name: string): CertificateStore {
  const api = kubeConfig.makeApiClient(CoreV1Api);
  const body = (value: StoredCertificate, resourceVersion?: string): V1Secret => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/name': 'pullguard', 'app.kubernetes.io/managed-by': 'pullguard' },
      annotations: { [GENERATION_ANNOTATION]: String(value.generation) },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    data: {
      [KEYS.cert]: b64(value.cert),
      [KEYS.key]: b64(value.key),
      [KEYS.ca]: b64(value.ca),
      [KEYS.caBundle]: b64(value.caBundle),
    },
  });
  return {
    async read() {
      let secret: V1Secret;
      try {
        secret = await api.readNamespacedSecret({ name, namespace });
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      }
      const data = secret.data ?? {};
      const value: StoredCertificate = {
        cert: unb64(data[KEYS.cert]),
        key: unb64(data[KEYS.key]),
        ca: unb64(data[KEYS.ca]),
        caBundle: unb64(data[KEYS.caBundle]) || unb64(data[KEYS.ca]),
        generation: Number(secret.metadata?.annotations?.[GENERATION_ANNOTATION] ?? 0) || 0,
      };
      return { value, resourceVersion: secret.metadata?.resourceVersion ?? '' } satisfies Versioned<StoredCertificate>;
    },
    async create(value) {
      await api.createNamespacedSecret({ namespace, body: body(value) }).catch(conflictOn409(`secret ${name}`));
    },
    async update(value, resourceVersion) {
      await api
        .replaceNamespacedSecret({ name, namespace, body: body(value, resourceVersion) })
        .catch(conflictOn409(`secret ${name}`));
    },
  };
}

interface WebhookConfiguration {
  metadata?: { annotations?: { [key: string]: string }; resourceVersion?: string };
  webhooks?: { clientConfig: { caBundle?: string } }[];
}

/** caBundle of every webhook in one configuration; a newer generation already there wins. */
export function webhookCaTarget(
  kubeConfig: KubeConfig,
  kind: 'validating' | 'mutating',
  name: string,
): CaBundleTarget {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const read = (): Promise<WebhookConfiguration> =>
    kind === 'validating'
      ? api.readValidatingWebhookConfiguration({ name })
      : api.readMutatingWebhookConfiguration({ name });
  const replace = (body: WebhookConfiguration) =>
    kind === 'validating'
      ? api.replaceValidatingWebhookConfiguration({ name, body: body as never })
      : api.replaceMutatingWebhookConfiguration({ name, body: body as never });
  return {
    name: `${kind}/${name}`,
    async ensure(bundle, generation) {
      const current = await read();
      const annotations = current.metadata?.annotations ?? {};
      const there = Number(annotations[GENERATION_ANNOTATION] ?? 0) || 0;
      if (there > generation) return false;
      const encoded = b64(bundle);
      const webhooks = current.webhooks ?? [];
      if (there === generation && webhooks.every((hook) => hook.clientConfig.caBundle === encoded)) return false;
      const body: WebhookConfiguration = {
        ...current,
        metadata: { ...current.metadata, annotations: { ...annotations, [GENERATION_ANNOTATION]: String(generation) } },
        webhooks: webhooks.map((hook) => ({ ...hook, clientConfig: { ...hook.clientConfig, caBundle: encoded } })),
      };
      await replace(body).catch(conflictOn409(`${kind} webhook configuration ${name}`));
      return true;
    },
  };
}
