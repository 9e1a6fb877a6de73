// The webhook's HTTP surface. Express serves health, readiness, metrics, 404s and errors; the two
// admission endpoints are dispatched before express because its per-request routing costs half
// the webhook's throughput (measured by `npm run bench`), and they need nothing from it.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createAdmissionHandler, type AdmissionDependencies } from '../admission/handler.js';
import { admissionRoute, sendJson } from './admission-route.js';
import type { AdmissionMetrics } from './metrics.js';

export { BODY_LIMIT_BYTES } from './admission-route.js';

export interface AppDependencies extends AdmissionDependencies {
  readonly metrics: AdmissionMetrics;
  /** Ready when the caches the checks need are warm and the server is not draining. */
  readonly ready: () => boolean;
}

export function createApp(deps: AppDependencies): RequestListener {
  const routeDeps = { handler: createAdmissionHandler(deps), metrics: deps.metrics, logger: deps.logger };
  const app = createOperationsApp(deps);
  return (req: IncomingMessage, res: ServerResponse) => {
    // The API server appends `?timeout=3s` to the webhook URL: match the path alone.
    const path = req.url?.split('?', 1)[0];
    if (req.method === 'POST' && (path === '/validate' || path === '/mutate')) {
      const mode = path === '/validate' ? 'validate' : 'mutate';
      admissionRoute(routeDeps, mode, req, res).catch((error: unknown) => {
        deps.logger.error({ err: (error as Error).message }, 'admission route failed');
        sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    app(req, res);
  };
}

function createOperationsApp(deps: AppDependencies): express.Express {
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
  app.use((_req, res) => {
    res
      .status(404)
      .json({ error: 'not found: use POST /validate, POST /mutate, GET /healthz, /readyz, /metrics' });
  });
  // Express recognises an error handler by its four parameters.
  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ err: error.message, path: req.path }, 'request failed');
    sendJson(res, 500, { error: 'internal error' });
  });
  return app;
}
