import { Router } from '@koa/router';
import { checkReadiness } from '../observability/readiness.js';
import type { Services } from '../services.js';

/** Liveness, readiness and Prometheus metrics. */
export function healthRoutes(services: Services): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });
  // Ready when every probe (the database, and Redis where used) answers: 200, else 503 with what failed.
  router.get('/readyz', async (ctx) => {
    const readiness = await checkReadiness(services.readiness);
    for (const check of readiness.checks) if (!check.ok) services.logger.warn({ probe: check.name, error: check.error }, 'not ready');
    ctx.status = readiness.ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = readiness;
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = services.metrics.registry.contentType;
    ctx.body = await services.metrics.registry.metrics();
  });
  return router;
}
