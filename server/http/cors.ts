import type { Middleware } from 'koa';

/**
 * CORS for the demo tenant, which allows pages from any origin: the Origin is reflected, and preflights answered.
 * (Per-tenant origin lists come with tenant configuration.) No cookies are used, so no credentials mode.
 */
export function cors(): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (origin) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.vary('Origin');
    }
    if (ctx.method === 'OPTIONS' && origin) {
      ctx.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, Last-Event-ID');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}
