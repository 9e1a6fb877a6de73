// The HTTP layer: limits the body, checks the content type, decodes, calls the handler, encodes.
// Every decision lives in the admission handler; every failure here becomes a precise 4xx, or a
// 500 that still echoes the uid. The process never dies from a request.

import express, { type NextFunction, type Request, type Response } from 'express';
import {
  createAdmissionHandler,
  type AdmissionDependencies,
  type WebhookMode,
} from '../admission/handler.js';
import { decodeAdmissionReview, findUid } from '../admission/review.js';
import { errored } from '../admission/verdict.js';
import type { AdmissionMetrics } from './metrics.js';

/** Larger than any object the API server stores (about 1.5 MB, twice in an UPDATE). */
export const BODY_LIMIT_BYTES = 7 * 1024 * 1024;

export interface AppDependencies extends AdmissionDependencies {
  readonly metrics: AdmissionMetrics;
  /** Ready when the caches the checks need are warm and the server is not draining. */
  readonly ready: () => boolean;
}

export function createApp(deps: AppDependencies): express.Express {
  const handler = createAdmissionHandler(deps);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.ready();
    res
      .status(ready ? 200 : 503)
      .type('text/plain')
      .send(ready ? 'ready' : 'not ready');
  });
  app.get('/metrics', async (_req, res, next) => {
    try {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    } catch (error) {
      next(error);
    }
  });

  for (const mode of ['validate', 'mutate'] as const) {
    const endpoint = `/${mode}`;
    app.post(
      endpoint,
      requireJson(deps, endpoint),
      express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: () => true }),
      admissionRoute(handler, deps, mode),
    );
  }

  app.use((_req, res) => {
    res
      .status(404)
      .json({ error: 'not found: use POST /validate, POST /mutate, GET /healthz, /readyz, /metrics' });
  });
  app.use(errorHandler(deps));
  return app;
}

function requireJson(deps: AppDependencies, endpoint: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      deps.metrics.observeError(endpoint, 'unsupported-media-type');
      res
        .status(415)
        .json({ error: `Content-Type must be application/json, got ${req.get('content-type') ?? 'none'}` });
      return;
    }
    next();
  };
}

function admissionRoute(
  handler: ReturnType<typeof createAdmissionHandler>,
  deps: AppDependencies,
  mode: WebhookMode,
) {
  const endpoint = `/${mode}`;
  return async (req: Request, res: Response) => {
    const started = performance.now();
    const decoded = decodeAdmissionReview(req.body);
    if (!decoded.ok) {
      deps.metrics.observeError(endpoint, 'bad-request');
      res.status(400).json({
        error: `invalid AdmissionReview: ${decoded.error}`,
        ...(decoded.uid ? { uid: decoded.uid } : {}),
      });
      return;
    }
    try {
      const outcome = await handler.handle(decoded.request, mode);
      deps.metrics.observeRequest(endpoint, outcome.verdict, (performance.now() - started) / 1000);
      if (outcome.evaluation) deps.metrics.observeFindings(endpoint, outcome.evaluation.findings);
      res.status(200).json(outcome.response);
    } catch (error) {
      deps.metrics.observeError(endpoint, 'internal');
      deps.metrics.observeRequest(endpoint, 'error', (performance.now() - started) / 1000);
      deps.logger.error(
        { uid: decoded.request.uid, err: (error as Error).message, stack: (error as Error).stack },
        'admission failed',
      );
      res
        .status(500)
        .json(errored(decoded.request.uid, 500, `pullguard internal error: ${(error as Error).message}`));
    }
  };
}

interface HttpError extends Error {
  status?: number;
  type?: string;
}

function errorHandler(deps: AppDependencies) {
  // Express recognises an error handler by its four parameters.
  return (error: HttpError, req: Request, res: Response, _next: NextFunction) => {
    const endpoint = req.path;
    if (error.type === 'entity.too.large') {
      deps.metrics.observeError(endpoint, 'too-large');
      res.status(413).json({ error: `body larger than ${BODY_LIMIT_BYTES} bytes` });
      return;
    }
    if (error.type === 'entity.parse.failed') {
      deps.metrics.observeError(endpoint, 'bad-request');
      res.status(400).json({ error: `body is not valid JSON: ${error.message}` });
      return;
    }
    if (error.status !== undefined && error.status >= 400 && error.status < 500) {
      deps.metrics.observeError(endpoint, 'bad-request');
      res.status(error.status).json({ error: error.message });
      return;
    }
    deps.metrics.observeError(endpoint, 'internal');
    deps.logger.error({ err: error.message, path: endpoint }, 'request failed');
    const uid = findUid(req.body);
    res.status(500).json(uid ? errored(uid, 500, 'pullguard internal error') : { error: 'internal error' });
  };
}
