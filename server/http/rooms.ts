import { Router } from '@koa/router';
import { ProtocolError, toClientError } from '../errors.js';
import { requireRoomAccess } from '../identity/authenticate.js';
import { logRefusedRequest } from '../observability/connection-log.js';
import { broadcastIdOf, parseOp } from '../protocol/parse.js';
import { hasNoNul, NUL_RULE } from '../protocol/schemas.js';
import type { Services } from '../services.js';
import { readJsonBody } from './body.js';
import { addressOf, identityOf, tenantOf } from './auth.js';

/** REST access to rooms: a snapshot, and one op per POST (the SSE transport's way up). */
export function roomRoutes(services: Services): Router {
  const router = new Router();

  router.get('/api/rooms/:room/markers', async (ctx) => {
    const tenant = tenantOf(ctx, services);
    const identity = await identityOf(ctx, services, tenant);
    const room = roomParam(ctx.params.room, services.limits.maxRoomLength);
    if (identity) requireRoomAccess(identity, room);
    const snapshot = await services.rooms.snapshot(tenant.id, room);
    ctx.body = { type: 'snapshot', room, ...snapshot };
  });

  router.post('/api/rooms/:room/ops', async (ctx) => {
    const tenant = tenantOf(ctx, services);
    let body: unknown;
    try {
      // The body first: whatever refuses the op then, its error names the op (SPEC §2 `error.broadcastId`).
      body = await readJsonBody(ctx, services.limits.maxFrameBytes, services.limits.maxJsonDepth);
      ctx.state.broadcastId = broadcastIdOf(body);
      const identity = (await identityOf(ctx, services, tenant, { required: true }))!;
      const room = roomParam(ctx.params.room, services.limits.maxRoomLength);
      requireRoomAccess(identity, room);
      await services.guard.takeOp(tenant.id, identity.user.id, addressOf(ctx, services));
      const op = parseOp(services.schemas, body);
      if (op.room !== room) throw new ProtocolError('bad-request', `the op's room "${op.room}" is not the path's room`);
      ctx.body = await services.rooms.apply(tenant.id, identity.user, op);
    } catch (err) {
      logRefusedRequest(services.logger, tenant.id, body, toClientError(err).code);
      throw err;
    }
  });

  return router;
}

export function roomParam(room: string | undefined, maxLength: number): string {
  const length = room ? [...room].length : 0;
  if (!room || length > maxLength) throw new ProtocolError('bad-request', `room must be 1–${maxLength} characters`);
  if (!hasNoNul(room)) throw new ProtocolError('bad-request', `room ${NUL_RULE}`);
  return room;
}
