import Koa from 'koa';
import { errorBoundary } from './http/error-boundary.js';
import { cors } from './http/cors.js';
import { dashboardRoutes } from './http/dashboard.js';
import { eventRoutes } from './http/events.js';
import { guestRoutes } from './http/guest.js';
import { healthRoutes } from './http/health.js';
import { roomRoutes } from './http/rooms.js';
import { serveStatic } from './http/static.js';
import { usageRoutes } from './http/usage.js';
import type { Services } from './services.js';

export interface StaticDirs {
  demo: string;
  dist: string;
}

/** Composes the Koa application: middleware and routes only, no behaviour of its own. */
export function createApp(services: Services, dirs: StaticDirs): Koa {
  const app = new Koa();
  app.proxy = false;
  // Errors past the boundary come from streams; a client leaving an SSE stream is expected, not an error.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
    services.logger.error({ err }, 'koa error');
  });
  app.use(errorBoundary(services.logger));
  app.use(cors(services.tenants));
  for (const router of [healthRoutes(services), guestRoutes(services), roomRoutes(services), eventRoutes(services), usageRoutes(services), dashboardRoutes(dirs.dist)]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.use(serveStatic('/dist/', dirs.dist));
  app.use(serveStatic('/demo/', dirs.demo));
  app.use(serveStatic('/', dirs.demo));
  return app;
}
