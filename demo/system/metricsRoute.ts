import { type RequestHandler, Router } from 'express';
import { Registry } from 'prom-client';
import type { Broadcaster } from '../../index';
import { registerSseMetrics } from '../../metrics';

/** `GET /metrics`: the broadcaster's Prometheus metrics, in a registry of the app's own. */
export function metricsRoute<M>(broadcaster: Broadcaster<M>): { router: RequestHandler; stop(): void } {
  const registry = new Registry();
  const metrics = registerSseMetrics(broadcaster, { registry });
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      res.type(registry.contentType).send(await registry.metrics());
    } catch (error) {
      next(error);
    }
  });
  return { router, stop: () => metrics.unregister() };
}
