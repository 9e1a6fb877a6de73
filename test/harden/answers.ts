// Judging an answer of the admission endpoints: a well-formed AdmissionReview echoing the uid, or
// a 4xx with a JSON error. Anything else (a 500, a malformed review, a dropped connection) is a fault.

import { isObject } from '../../src/workload/walker.js';

export interface Judged {
  /** `200 allowed`, `200 denied`, `200 patched`, `400`, `413`, `415`, or `FAULT ...`. */
  readonly label: string;
  readonly fault?: string;
}

export function judgeReview(value: unknown, uid: string | undefined): Judged {
  if (!isObject(value) || value.apiVersion !== 'admission.k8s.io/v1' || value.kind !== 'AdmissionReview')
    return fault('not an AdmissionReview');
  const response = value.response;
  if (!isObject(response) || typeof response.allowed !== 'boolean') return fault('no response.allowed');
  if (typeof response.uid !== 'string' || (uid !== undefined && response.uid !== uid))
    return fault('uid not echoed');
  if (response.warnings !== undefined) {
    const warnings = response.warnings;
    if (!Array.isArray(warnings) || warnings.some((w) => typeof w !== 'string' || w.length >= 256))
      return fault('warning too long or not a string');
  }
  if (response.patch !== undefined) {
    if (response.patchType !== 'JSONPatch' || typeof response.patch !== 'string') return fault('bad patch');
    try {
      if (!Array.isArray(JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'))))
        return fault('patch not an array');
    } catch {
      return fault('patch not base64 JSON');
    }
    return { label: '200 patched' };
  }
  if (!response.allowed) {
    const status = response.status;
    if (!isObject(status) || typeof status.message !== 'string' || status.code !== 403)
      return fault('denial without 403 status');
    return { label: '200 denied' };
  }
  return { label: '200 allowed' };
}

export function judgeHttp(status: number, text: string, uid: string | undefined): Judged {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fault(`status ${status} with a non-JSON body`);
  }
  if (status === 200) return judgeReview(body, uid);
  if (status >= 400 && status < 500) {
    if (!isObject(body) || typeof body.error !== 'string') return fault(`status ${status} without error`);
    return { label: String(status) };
  }
  return fault(`status ${status}`);
}

function fault(reason: string): Judged {
  return { label: `FAULT ${reason}`, fault: reason };
}
