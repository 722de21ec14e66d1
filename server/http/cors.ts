import type { Middleware } from 'koa';
import { ProtocolError } from '../errors.js';
import type { TenantRegistry } from '../tenants/tenant-registry.js';
import { isOriginAllowed } from '../tenants/origins.js';

const USAGE_PATH = /^\/api\/tenants\/([^/]+)\/usage$/;

/**
 * CORS per tenant. On `/api/` routes the tenant (`?tenant=`, or the usage path's) decides: an allowed Origin is
 * reflected and its preflight answered; a page from any other origin gets 403 `forbidden` — preflight included, so
 * its browser never sends the request. Requests without an Origin (servers, curl) pass: tokens guard those.
 * An unknown tenant is left to the route, which refuses it. Static files (the bundle, the demo) are public: any
 * origin may load them. No cookies are used, so no credentials mode.
 */
export function cors(tenants: TenantRegistry): Middleware {
  return async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (origin) {
      if (ctx.path.startsWith('/api/')) {
        const query = ctx.query.tenant;
        const id = USAGE_PATH.exec(ctx.path)?.[1] ?? (typeof query === 'string' ? query : undefined);
        const tenant = Array.isArray(query) ? undefined : tenants.get(safeDecode(id) ?? 'demo');
        if (tenant && !isOriginAllowed(tenant, origin)) {
          throw new ProtocolError('forbidden', `pages from ${origin.slice(0, 100)} may not use tenant "${tenant.id}"`);
        }
      }
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

function safeDecode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
