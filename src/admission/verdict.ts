// The one place that shapes AdmissionReview v1 responses: uid, allowed, status, base64 JSONPatch
// and warnings within the API server's limits.

import type { JsonPatchOp } from '../core/patch.js';

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly message: string };
  readonly patchType?: 'JSONPatch';
  readonly patch?: string;
  readonly warnings?: readonly string[];
}

export interface AdmissionReviewResponse {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

/** Each warning is cut under 256 characters; past 4096 in total the API server drops the rest. */
export const MAX_WARNING_LENGTH = 255;
export const MAX_WARNINGS_TOTAL = 4096;

export function review(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

export function allowed(uid: string, warnings: readonly string[] = []): AdmissionReviewResponse {
  return review({ uid, allowed: true, ...warningsField(warnings) });
}

export function denied(
  uid: string,
  message: string,
  warnings: readonly string[] = [],
): AdmissionReviewResponse {
  return review({ uid, allowed: false, status: { code: 403, message }, ...warningsField(warnings) });
}

export function patched(
  uid: string,
  patch: readonly JsonPatchOp[],
  warnings: readonly string[] = [],
): AdmissionReviewResponse {
  if (patch.length === 0) return allowed(uid, warnings);
  return review({
    uid,
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    ...warningsField(warnings),
  });
}

export function errored(uid: string, code: number, message: string): AdmissionReviewResponse {
  return review({ uid, allowed: false, status: { code, message } });
}

function warningsField(warnings: readonly string[]): { warnings?: string[] } {
  const kept: string[] = [];
  let total = 0;
  for (const warning of warnings) {
    const cut =
      warning.length > MAX_WARNING_LENGTH ? `${warning.slice(0, MAX_WARNING_LENGTH - 3)}...` : warning;
    if (total + cut.length > MAX_WARNINGS_TOTAL) {
      const more = warnings.length - kept.length;
      kept.push(`[pullguard] ${more} more warning(s) omitted`);
      break;
    }
    kept.push(cut);
    total += cut.length;
  }
  return kept.length > 0 ? { warnings: kept } : {};
}
