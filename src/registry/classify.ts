// Every probe ends in exactly one PullOutcome: transport errors by their error codes, HTTP answers
// by status, registry error code and Docker Hub's rate-limit header. Details are short, fixed
// phrases or sanitised registry text, never headers or bodies verbatim.

import type { ProbeResult } from '../core/facts.js';
import type { PullOutcome } from '../core/outcomes.js';
import { ClientError } from './http-client.js';

const TLS_CODES = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH)/;

/** The outcome of a request that produced no HTTP answer. */
export function classifyError(error: unknown): ProbeResult {
  const codes = errorCodes(error);
  const has = (pattern: RegExp) => codes.some((code) => pattern.test(code));
  const result = (outcome: PullOutcome, detail: string): ProbeResult => ({ outcome, detail });
  if (has(/^EBLOCKED$/))
    return result('blocked', 'not probed: the registry address is loopback, link-local or blocked');
  if (has(/^(ENOTFOUND|EAI_NONAME|EAI_NODATA)$/)) return result('dns-nxdomain', 'no such host');
  if (has(/^(EAI_AGAIN|EAI_FAIL|ESERVFAIL|ETIMEOUT|ECONNREFUSED_DNS)$/))
    return result('dns-temporary', 'temporary DNS failure');
  if (has(/^ECONNREFUSED$/)) return result('connection-refused', 'connect: connection refused');
  if (has(TLS_CODES)) return result('tls-error', tlsDetail(codes));
  if (
    has(/^(ETIMEDOUT|ETIMEDOUT_PROBE|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/)
  ) {
    return result('timeout', 'request timed out');
  }
  if (has(/^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/))
    return result('connection-reset', 'connection reset by peer');
  if (has(/^(EHOSTUNREACH|ENETUNREACH)$/)) return result('connection-refused', 'no route to host');
  if (has(/^(HPE_|ETOOLARGE|EREDIRECT|UND_ERR_RES_)/)) return result('protocol-error', protocolDetail(error));
  return result('unknown', 'request failed');
}

function tlsDetail(codes: readonly string[]): string {
  if (codes.some((c) => /UNABLE_TO_(GET_ISSUER|VERIFY_LEAF)|SELF_SIGNED|DEPTH_ZERO/.test(c))) {
    return 'x509: certificate signed by unknown authority';
  }
  if (codes.some((c) => /ALTNAME|HOSTNAME/.test(c))) return 'x509: certificate is not valid for this host';
  if (codes.some((c) => /EXPIRED/.test(c))) return 'x509: certificate has expired';
  return 'TLS handshake failed';
}

function protocolDetail(error: unknown): string {
  if (error instanceof ClientError) return error.message;
  return 'the registry answered something that is not HTTP';
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) for (const inner of errors) codes.push(...errorCodes(inner));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/** The registry's own error code (first entry of `{"errors":[{"code":...}]}`), if the body has one. */
export function registryErrorCode(body: Buffer): string | undefined {
  if (body.length === 0 || body.length > 65536) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown }> };
    const code = parsed.errors?.[0]?.code;
    return typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The outcome of an HTTP answer to a manifest request that did not succeed. */
export function classifyStatus(
  status: number,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
): ProbeResult {
  const registryCode = registryErrorCode(body);
  const base = { httpStatus: status, ...(registryCode ? { registryCode } : {}) };
  if (status === 429 || registryCode === 'TOOMANYREQUESTS' || rateLimitExhausted(headers)) {
    return { ...base, outcome: 'rate-limited', detail: '429 Too Many Requests: toomanyrequests' };
  }
  if (status === 404) return { ...base, outcome: 'not-found', detail: 'not found' };
  if (status === 401) return { ...base, outcome: 'unauthorized', detail: '401 Unauthorized' };
  if (status === 403) return { ...base, outcome: 'forbidden', detail: '403 Forbidden' };
  if (status >= 500) return { ...base, outcome: 'protocol-error', detail: `registry error ${status}` };
  return { ...base, outcome: 'protocol-error', detail: `unexpected status ${status}` };
}

/** Docker Hub reports an exhausted pull allowance on successful answers too. */
export function rateLimitExhausted(headers: Readonly<Record<string, string>>): boolean {
  const remaining = headers['ratelimit-remaining'];
  return remaining !== undefined && /^\s*0\s*(;|$)/.test(remaining);
}
