// Decoding of AdmissionReview v1 requests: only shape checks, so the handler gets a typed request
// or a precise reason to answer 400.

import { isObject, type JsonObject } from '../workload/walker.js';
import type { Operation } from '../core/rule.js';

export interface AdmissionRequest {
  readonly uid: string;
  readonly kind: { readonly group: string; readonly version: string; readonly kind: string };
  readonly resource: string;
  readonly subResource: string;
  readonly namespace: string | null;
  readonly name: string;
  readonly operation: Operation;
  readonly object: unknown;
  readonly oldObject: unknown;
  readonly dryRun: boolean;
}

export type DecodeResult =
  { ok: true; request: AdmissionRequest } | { ok: false; error: string; uid?: string };

const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

export function decodeAdmissionReview(body: unknown): DecodeResult {
  if (!isObject(body)) return { ok: false, error: 'body is not a JSON object' };
  if (body.kind !== 'AdmissionReview')
    return { ok: false, error: `kind must be AdmissionReview, got ${describe(body.kind)}` };
  if (body.apiVersion !== 'admission.k8s.io/v1') {
    return { ok: false, error: `apiVersion must be admission.k8s.io/v1, got ${describe(body.apiVersion)}` };
  }
  const request = body.request;
  if (!isObject(request)) return { ok: false, error: 'request is missing or not an object' };
  const uid = request.uid;
  if (typeof uid !== 'string' || uid === '')
    return { ok: false, error: 'request.uid must be a non-empty string' };
  const operation = request.operation;
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation)) {
    return { ok: false, error: `request.operation must be one of ${OPERATIONS.join(', ')}`, uid };
  }
  const kind = isObject(request.kind) ? request.kind : {};
  const resource = isObject(request.resource) ? request.resource : {};
  return {
    ok: true,
    request: {
      uid,
      kind: { group: str(kind.group), version: str(kind.version), kind: str(kind.kind) },
      resource: str(resource.resource),
      subResource: str(request.subResource),
      namespace: typeof request.namespace === 'string' && request.namespace !== '' ? request.namespace : null,
      name: str(request.name),
      operation: operation as Operation,
      object: request.object,
      oldObject: request.oldObject,
      dryRun: request.dryRun === true,
    },
  };
}

/** The uid of a body that failed to decode, if one can be found, so even errors can echo it. */
export function findUid(body: unknown): string | undefined {
  const request = isObject(body) ? (body as JsonObject).request : undefined;
  return isObject(request) && typeof request.uid === 'string' ? request.uid : undefined;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 60);
}
