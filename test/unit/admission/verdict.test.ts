import { describe, expect, it } from '@jest/globals';
import { allowed, denied, errored, patched } from '../../../src/admission/verdict.js';

describe('AdmissionReview responses', () => {
  it('allowed echoes the uid and omits empty warnings', () => {
    expect(allowed('u1')).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u1', allowed: true },
    });
  });

  it('denied carries 403 and the message, with warnings', () => {
    expect(denied('u2', '[x] no', ['[w] careful'])).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'u2',
        allowed: false,
        status: { code: 403, message: '[x] no' },
        warnings: ['[w] careful'],
      },
    });
  });

  it('patched encodes a JSONPatch in base64', () => {
    const ops = [{ op: 'replace' as const, path: '/spec/containers/0/image', value: 'a@sha256:1' }];
    const result = patched('u3', ops);
    expect(result.response).toMatchObject({ uid: 'u3', allowed: true, patchType: 'JSONPatch' });
    expect(JSON.parse(Buffer.from(result.response.patch ?? '', 'base64').toString())).toEqual(ops);
  });

  it('an empty patch is a plain allow', () => {
    expect(patched('u4', [])).toEqual(allowed('u4'));
  });

  it('errored keeps the uid and the code', () => {
    expect(errored('u5', 500, 'boom').response).toEqual({
      uid: 'u5',
      allowed: false,
      status: { code: 500, message: 'boom' },
    });
  });

  it('cuts each warning under 256 characters and the total near 4096', () => {
    const many = Array.from({ length: 40 }, (_, i) => `[r] ${i} ${'x'.repeat(300)}`);
    const warnings = allowed('u6', many).response.warnings ?? [];
    expect(warnings.every((w) => w.length < 256)).toBe(true);
    expect(warnings.join('').length).toBeLessThanOrEqual(4096 + 100);
    expect(warnings.at(-1)).toMatch(/more warning\(s\) omitted/);
  });
});
