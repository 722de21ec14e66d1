import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router } from '@koa/router';

// The page loads only its own script and stylesheet and talks only to this server; nothing may frame it.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `GET /dashboard`: the operator's usage page, built by `npm run build:dashboard` into `<dist>/dashboard/` (its
 * script and stylesheet are served from there under `/dist/`). It reads `GET /api/tenants/:tenant/usage` with the
 * admin key the operator gives it, so the page itself is public and holds nothing secret.
 */
export function dashboardRoutes(distDir: string): Router {
  const router = new Router({ strict: true }); // `/dashboard/` is not `/dashboard` (see below)
  const page = join(distDir, 'dashboard', 'index.html');
  router.get('/dashboard', async (ctx) => {
    const html = await readFile(page, 'utf8').catch(() => null);
    ctx.set('Cache-Control', 'no-cache');
    if (html === null) {
      ctx.status = 503;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = 'The dashboard is not built: run `npm run build` (it writes dist/dashboard/).\n';
      return;
    }
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = html;
  });
  // The page's links are relative to `/dashboard`: with a trailing slash they would point elsewhere.
  router.get('/dashboard/', (ctx) => ctx.redirect('/dashboard'));
  return router;
}
