// POST /validate and POST /mutate on plain Node request and response objects: check the content
// type, read the body within its limit, decode, call the handler, encode. Every failure becomes a
// precise 4xx, or a 500 that still echoes the uid.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdmissionHandler, WebhookMode } from '../admission/handler.js';
import { decodeAdmissionReview } from '../admission/review.js';
import { errored } from '../admission/verdict.js';
import type { Logger } from '../logger.js';
import { BodyError, readJsonBody } from './body.js';
import type { AdmissionMetrics } from './metrics.js';

/** Larger than any object the API server stores (about 1.5 MB, twice in an UPDATE). */
export const BODY_LIMIT_BYTES = 7 * 1024 * 1024;

export interface RouteDependencies {
  readonly handler: AdmissionHandler;
  readonly metrics: AdmissionMetrics;
  readonly logger: Logger;
}

export async function admissionRoute(
  deps: RouteDependencies,
  mode: WebhookMode,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const endpoint = `/${mode}`;
  const started = performance.now();
  const contentType = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    req.resume();
    deps.metrics.observeError(endpoint, 'unsupported-media-type');
    sendJson(res, 415, { error: `Content-Type must be application/json, got ${contentType || 'none'}` });
    return;
  }
  let body: unknown;
  try {
    body = await readJsonBody(req, BODY_LIMIT_BYTES);
  } catch (error) {
    const status = error instanceof BodyError ? error.status : 400;
    deps.metrics.observeError(endpoint, status === 413 ? 'too-large' : 'bad-request');
    sendJson(res, status, { error: (error as Error).message });
    return;
  }
  const decoded = decodeAdmissionReview(body);
  if (!decoded.ok) {
    deps.metrics.observeError(endpoint, 'bad-request');
    sendJson(res, 400, {
      error: `invalid AdmissionReview: ${decoded.error}`,
      ...(decoded.uid ? { uid: decoded.uid } : {}),
    });
    return;
  }
  try {
    const outcome = await deps.handler.handle(decoded.request, mode);
    deps.metrics.observeRequest(endpoint, outcome.verdict, (performance.now() - started) / 1000);
    if (outcome.evaluation) deps.metrics.observeFindings(endpoint, outcome.evaluation.findings);
    sendJson(res, 200, outcome.response);
  } catch (error) {
    deps.metrics.observeError(endpoint, 'internal');
    deps.metrics.observeRequest(endpoint, 'error', (performance.now() - started) / 1000);
    deps.logger.error(
      { uid: decoded.request.uid, err: (error as Error).message, stack: (error as Error).stack },
      'admission failed',
    );
    sendJson(
      res,
      500,
      errored(decoded.request.uid, 500, `pullguard internal error: ${(error as Error).message}`),
    );
  }
}

/** Writes headers and body in one go (one TLS record for small answers). */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
