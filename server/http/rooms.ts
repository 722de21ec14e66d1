import { Router } from '@koa/router';
import { ProtocolError } from '../errors.js';
import { requireRoomAccess } from '../identity/authenticate.js';
import { parseOp } from '../protocol/parse.js';
import type { ServerContext } from '../realtime/context.js';
import { readJsonBody } from './body.js';
import { addressOf, identityOf, tenantOf } from './auth.js';

/** REST access to rooms: a snapshot, and one op per POST (the SSE transport's way up). */
export function roomRoutes(ctx: ServerContext): Router {
  const router = new Router();

  router.get('/api/rooms/:room/markers', async (http) => {
    const tenant = tenantOf(http, ctx);
    const identity = await identityOf(http, ctx, tenant);
    const room = roomParam(http.params.room, ctx.limits.maxRoomLength);
    if (identity) requireRoomAccess(identity, room);
    const snapshot = await ctx.rooms.snapshot(tenant.id, room);
    http.body = { type: 'snapshot', room, ...snapshot };
  });

  router.post('/api/rooms/:room/ops', async (http) => {
    const tenant = tenantOf(http, ctx);
    const identity = (await identityOf(http, ctx, tenant, { required: true }))!;
    const room = roomParam(http.params.room, ctx.limits.maxRoomLength);
    requireRoomAccess(identity, room);
    ctx.guard.takeOp(tenant.id, identity.user.id, addressOf(http, ctx));
    const op = parseOp(ctx.schemas, await readJsonBody(http, ctx.limits.maxFrameBytes, ctx.limits.maxJsonDepth));
    if (op.room !== room) throw new ProtocolError('bad-request', `the op's room "${op.room}" is not the path's room`);
    http.body = await ctx.rooms.apply(tenant.id, identity.user, op);
  });

  return router;
}

export function roomParam(room: string | undefined, maxLength: number): string {
  const length = room ? [...room].length : 0;
  if (!room || length > maxLength) throw new ProtocolError('bad-request', `room must be 1–${maxLength} characters`);
  return room;
}
