import { Router } from '@koa/router';
import type { Context } from 'koa';
import { PROTOCOL_VERSION } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import { requireRoomAccess } from '../identity/authenticate.js';
import { logRefusedConnection } from '../observability/connection-log.js';
import type { Services } from '../services.js';
import { addressOf, identityOf, tenantOf } from './auth.js';
import { roomParam } from './rooms.js';
import { SseStream, type SseIdStyle } from './sse-stream.js';

interface RoomPosition {
  room: string;
  epoch?: string;
  since?: number;
}

/**
 * A position suffix `@<epoch>:<seq>` (multi-room `sub`) or `<epoch>:<seq>` (Last-Event-ID). Rooms may contain `@`:
 * only a last `@` followed by a well-formed position counts as one.
 */
export function parseSub(sub: string): RoomPosition {
  const match = /^(.*)@([A-Za-z0-9_-]{1,128}):(\d{1,15})$/s.exec(sub);
  return match ? { room: match[1], epoch: match[2], since: Number(match[3]) } : { room: sub };
}

function parseLastEventId(value: string): { epoch?: string; since?: number } {
  const match = /^(?:.*@)?([A-Za-z0-9_-]{1,128}):(\d{1,15})$/s.exec(value);
  return match ? { epoch: match[1], since: Number(match[2]) } : {};
}

/** The SSE routes: one stream for several rooms, and one per room for plain EventSource clients. */
export function eventRoutes(services: Services): Router {
  const router = new Router();

  router.get('/api/events', async (ctx) => {
    const raw = ctx.query.sub;
    const subs = (Array.isArray(raw) ? raw : raw ? [raw] : []).map(parseSub);
    if (subs.length === 0) throw new ProtocolError('bad-request', 'name at least one room: ?sub=<room>[@<epoch>:<seq>]');
    if (subs.length > services.limits.maxSubscriptionsPerConnection) {
      throw new ProtocolError('too-large', `a stream may carry at most ${services.limits.maxSubscriptionsPerConnection} rooms`);
    }
    for (const sub of subs) roomParam(sub.room, services.limits.maxRoomLength);
    await openStream(ctx, services, 'room', subs);
  });

  router.get('/api/rooms/:room/events', async (ctx) => {
    const room = roomParam(ctx.params.room, services.limits.maxRoomLength);
    const lastEventId = (ctx.get('Last-Event-ID') || (typeof ctx.query.lastEventId === 'string' ? ctx.query.lastEventId : '')).slice(0, 1024);
    await openStream(ctx, services, 'plain', [{ room, ...parseLastEventId(lastEventId) }]);
  });

  return router;
}

async function openStream(ctx: Context, services: Services, idStyle: SseIdStyle, subs: RoomPosition[]): Promise<void> {
  const tenant = tenantOf(ctx, services);
  // Reading without a token is open only where guests are let in; a token, if given, must be valid (401).
  let identity = await identityOf(ctx, services, tenant, { allowQuery: true });
  // An old guest token is renewed here as at a WebSocket hello: the stream opens with a `welcome` carrying the fresh one.
  let guestToken: string | undefined;
  if (identity?.guestIssuedAt !== undefined && Date.now() - identity.guestIssuedAt > services.limits.guestRenewAfterMs) {
    guestToken = (await services.guests.mint(tenant.id, identity.user)).token;
    identity = await services.authenticate(tenant, guestToken);
  }
  if (identity) for (const sub of subs) requireRoomAccess(identity, sub.room);
  const address = addressOf(ctx, services);
  if (!(await services.guard.openConnection(address))) {
    logRefusedConnection(services.logger, 'sse', address, 'too many connections from this address');
    throw new ProtocolError('rate-limited', 'too many open connections from this address');
  }
  // From here on the response is ours: Koa must not write or time it out.
  ctx.req.socket.setTimeout(0);
  ctx.status = 200; // for the request log and the error boundary, which see Koa's default 404 otherwise
  ctx.respond = false;
  ctx.res.writeHead(200, {
    ...(ctx.response.headers as Record<string, string>),
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  const stream = new SseStream(ctx.res, services, tenant.id, idStyle, () => services.guard.closeConnection(address), identity);
  // A stream lives no longer than its token: it ends at expiry, and the client reconnects with a fresh one.
  if (identity) stream.endAt(identity.expiresAt);
  if (identity && guestToken) stream.send({ type: 'welcome', protocol: PROTOCOL_VERSION, user: identity.user, guestToken });
  try {
    for (const sub of subs) {
      if (stream.isClosed) return;
      await stream.subscribe(sub.room, sub.epoch, sub.since);
    }
  } catch (err) {
    // Headers are sent: the error boundary can't answer any more. Log and end; the client reconnects.
    services.logger.error({ err }, 'SSE subscribe failed');
    await stream.shutdown();
  }
}
