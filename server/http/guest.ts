import { Router } from '@koa/router';
import { ProtocolError } from '../errors.js';
import type { Services } from '../services.js';
import { addressOf, tenantOf } from './auth.js';

/** `POST /api/guest`: a new guest identity `{ token, user }`, where the tenant allows guests. */
export function guestRoutes(services: Services): Router {
  const router = new Router();
  router.post('/api/guest', async (ctx) => {
    const tenant = tenantOf(ctx, services);
    if (!tenant.guests) throw new ProtocolError('forbidden', 'this tenant does not allow guests');
    await services.guard.takeGuest(addressOf(ctx, services));
    ctx.body = await services.guests.mint(tenant.id);
  });
  return router;
}
