// The LeaseStore adapter over @kubernetes/client-node's CoordinationV1Api.

import { ApiException, V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { LeaseConflict, type LeaseRecord, type LeaseStore } from './lease.js';

export function kubernetesLeaseStore(api: CoordinationV1Api, namespace: string, name: string): LeaseStore {
  const toRecord = (lease: V1Lease): LeaseRecord => ({
    ...(lease.spec?.holderIdentity !== undefined ? { holderIdentity: lease.spec.holderIdentity } : {}),
    ...(lease.spec?.leaseDurationSeconds !== undefined
      ? { leaseDurationSeconds: lease.spec.leaseDurationSeconds }
      : {}),
    ...(lease.spec?.acquireTime ? { acquireTime: new Date(lease.spec.acquireTime) } : {}),
    ...(lease.spec?.renewTime ? { renewTime: new Date(lease.spec.renewTime) } : {}),
    ...(lease.spec?.leaseTransitions !== undefined ? { leaseTransitions: lease.spec.leaseTransitions } : {}),
    ...(lease.metadata?.resourceVersion ? { resourceVersion: lease.metadata.resourceVersion } : {}),
  });
  const toLease = (record: LeaseRecord): V1Lease => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace,
      ...(record.resourceVersion ? { resourceVersion: record.resourceVersion } : {}),
    },
    spec: {
      holderIdentity: record.holderIdentity ?? '',
      ...(record.leaseDurationSeconds !== undefined
        ? { leaseDurationSeconds: record.leaseDurationSeconds }
        : {}),
      // MicroTime: the API server refuses a Date's millisecond ISO form ("cannot parse .861Z").
      ...(record.acquireTime ? { acquireTime: new V1MicroTime(record.acquireTime.getTime()) } : {}),
      ...(record.renewTime ? { renewTime: new V1MicroTime(record.renewTime.getTime()) } : {}),
      ...(record.leaseTransitions !== undefined ? { leaseTransitions: record.leaseTransitions } : {}),
    },
  });
  const conflicts = (error: unknown): never => {
    if (error instanceof ApiException && (error.code === 409 || error.code === 422))
      throw new LeaseConflict();
    throw error;
  };
  return {
    async get() {
      try {
        return toRecord(await api.readNamespacedLease({ name, namespace }));
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      }
    },
    async create(record) {
      return toRecord(await api.createNamespacedLease({ namespace, body: toLease(record) }).catch(conflicts));
    },
    async update(record) {
      return toRecord(
        await api.replaceNamespacedLease({ name, namespace, body: toLease(record) }).catch(conflicts),
      );
    },
  };
}
