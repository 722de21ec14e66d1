import { Router } from '@koa/router';
import type { ServerContext } from '../realtime/context.js';

/** Liveness and Prometheus metrics. */
export function healthRoutes(ctx: ServerContext): Router {
  const router = new Router();
  router.get('/healthz', (http) => {
    http.body = { ok: true };
  });
  router.get('/metrics', async (http) => {
    http.type = ctx.metrics.registry.contentType;
    http.body = await ctx.metrics.registry.metrics();
  });
  return router;
}
