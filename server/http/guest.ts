import { Router } from '@koa/router';
import { ProtocolError } from '../errors.js';
import type { ServerContext } from '../realtime/context.js';
import { addressOf, tenantOf } from './auth.js';

/** `POST /api/guest`: a new guest identity `{ token, user }`, where the tenant allows guests. */
export function guestRoutes(ctx: ServerContext): Router {
  const router = new Router();
  router.post('/api/guest', async (http) => {
    const tenant = tenantOf(http, ctx);
    if (!tenant.guests) throw new ProtocolError('forbidden', 'this tenant does not allow guests');
    ctx.guard.takeGuest(addressOf(http, ctx));
    http.body = await ctx.guests.mint(tenant.id);
  });
  return router;
}
