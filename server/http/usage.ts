import { timingSafeEqual } from 'node:crypto';
import { Router } from '@koa/router';
import { ProtocolError } from '../errors.js';
import type { Services } from '../services.js';
import { tokenOf } from './auth.js';

/**
 * `GET /api/tenants/:tenant/usage` with `Authorization: Bearer <adminKey>` (SPEC §3): the tenant's totals and one
 * entry per UTC day, and what is live now (`live`: open connections and rooms with a subscriber). A tenant without
 * an admin key has no usage endpoint (403); a missing or wrong key is 401.
 */
export function usageRoutes(services: Services): Router {
  const router = new Router();
  router.get('/api/tenants/:tenant/usage', async (ctx) => {
    const tenant = services.tenants.get(ctx.params.tenant ?? '');
    if (!tenant) throw new ProtocolError('not-found', 'no such tenant');
    if (tenant.adminKey === undefined) throw new ProtocolError('forbidden', 'this tenant has no admin key configured');
    const key = tokenOf(ctx);
    if (!key || !sameSecret(key, tenant.adminKey)) {
      throw new ProtocolError('unauthorized', "this endpoint needs the tenant's admin key (Authorization: Bearer <adminKey>)");
    }
    const [days, live] = await Promise.all([services.usage.days(tenant.id), services.live.of(tenant.id)]);
    const sum = (field: 'pubSubMessageCount' | 'pubSubBandwidth' | 'conversationCreateCount') => days.reduce((total, day) => total + day[field], 0);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      tenant: tenant.id,
      pubSubMessageCount: sum('pubSubMessageCount'),
      pubSubBandwidth: sum('pubSubBandwidth'),
      conversationCreateCount: sum('conversationCreateCount'),
      days,
      live,
    };
  });
  return router;
}

/** Compares in constant time (for equal lengths), so the key cannot be guessed byte by byte from response times. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
