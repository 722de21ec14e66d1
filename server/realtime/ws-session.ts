/**
 * One WebSocket connection: hello/auth, subscriptions, ops. Frames are handled one at a time, in arrival order, so a
 * client's `subscribe` followed by an op behaves as it reads; an op is handed to the commit pipeline without waiting
 * for the one before it to commit, so a burst of ops joins one commit group, and its acks follow in order.
 * Everything the connection sends in one turn of the event loop goes out together (flush-queue.ts): events as one
 * `batch` frame — the very bytes every viewer of the room gets — and the rest corked into one write.
 * This is the WebSocket error boundary: a ProtocolError becomes an `error` frame and the connection lives on;
 * anything else is logged and reported as `internal`.
 */
import type { Writable } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import { CloseCode, type ErrorCode } from '../../protocol/errors.js';
import {
  PROTOCOL_VERSION,
  type ClientMessage,
  type HelloMessage,
  type ServerMessage,
  type SnapshotMessage,
  type SubscribedMessage,
} from '../../protocol/messages.js';
import { ProtocolError, toClientError } from '../errors.js';
import type { EventRun } from '../fanout/event-run.js';
import { requireRoomAccess, type Identity } from '../identity/authenticate.js';
import { ConnectionLog, userKindOf } from '../observability/connection-log.js';
import { broadcastIdOf, parseClientMessage, parseJson } from '../protocol/parse.js';
import type { Tenant } from '../tenants/tenant-config.js';
import { isOriginAllowed } from '../tenants/origins.js';
import type { TenantUsage } from '../observability/usage.js';
import type { ClientConnection } from './connections.js';
import type { Services } from '../services.js';
import { scheduleFlush, type Flushable } from './flush-queue.js';
import { writeOutbox, type SentCounter } from './outbox-writer.js';
import { Subscription, type SubscriptionSink } from './subscription.js';

const PING = JSON.stringify({ type: 'ping' });
// The socket's session, so that the socket's listeners can be shared functions rather than closures per connection.
const SESSION = Symbol('image-chat session');
const sessionOf = (ws: WebSocket) => (ws as WebSocket & { [SESSION]: WsSession })[SESSION];
// How long a closing handshake may take at shutdown before the socket is cut.
const CLOSE_GRACE_MS = 1000;
// How long a close waits for the answers to the connection's ops in flight.
const OPS_GRACE_MS = 5000;
// The WebSocket close code for a consumer that cannot keep up ("try again later").
const SLOW_CONSUMER = 1013;

/** What the upgrade request told about the peer. */
export interface PeerInfo {
  /** The `Origin` header: a browser page's origin (absent for non-browser clients). */
  origin: string | undefined;
  /** The client address limits are keyed by. */
  address: string;
}

export class WsSession implements ClientConnection, SubscriptionSink, Flushable, SentCounter {
  readonly transport = 'websocket' as const;
  heartbeatSlot = -1;
  private tenant: Tenant | null = null;
  private identity: Identity | null = null;
  private usage: TenantUsage | null = null;
  /** A timer only once the token expires within a ping interval (heartbeat arms it): most connections hold none. */
  private expiry: NodeJS.Timeout | undefined;
  /** A few rooms at most, usually one: an array is smaller than a Map. */
  private subscriptions: Subscription[] | null = null;
  /** Frames that arrived while one was being handled (hello, auth and subscribe wait); null when there are none. */
  private backlog: string[] | null = null;
  private handling = false;
  private alive = true;
  private badFrames = 0;
  private helloTimer: NodeJS.Timeout | undefined;
  /** What waits to be written at the end of this turn: message texts and event runs, in order. */
  private outbox: Array<string | EventRun> | null = null;
  /** Ops handed to the commit pipeline and not answered yet; a close waits for their answers. */
  private opsInFlight = 0;
  private closing: { code: number; reason: string } | null = null;
  private readonly log: ConnectionLog;
  /** The client's address (limits are keyed by it) and the page's Origin, from the upgrade request. */
  private readonly address: string;
  private readonly origin: string | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly services: Services,
    peer: PeerInfo,
    /** The upgraded TCP socket, corked while a flush writes several frames. */
    private readonly socket: Writable,
  ) {
    // Kept as two fields rather than the peer object: one object less per connection.
    this.address = peer.address;
    this.origin = peer.origin;
    this.log = ConnectionLog.websocket(services, peer.address);
    services.connections.add(this);
    services.metrics.connections.inc({ transport: 'websocket' });
    this.helloTimer = setTimeout(() => this.closeUnread(CloseCode.helloTimeout, 'no hello in time'), services.limits.helloTimeoutMs);
    (ws as WebSocket & { [SESSION]: WsSession })[SESSION] = this;
    ws.on('message', WsSession.onMessage);
    ws.on('pong', WsSession.onPong);
    ws.on('error', WsSession.onError);
    ws.on('close', WsSession.onClose);
  }

  // The socket's listeners, shared by every connection: an emitter calls them with itself as `this`.
  private static onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    sessionOf(this).onFrame(data, isBinary);
  }

  private static onPong(this: WebSocket): void {
    sessionOf(this).alive = true;
  }

  private static onError(this: WebSocket, err: Error): void {
    sessionOf(this).services.logger.debug({ err }, 'websocket error');
  }

  private static onClose(this: WebSocket, code: number): void {
    sessionOf(this).onClose(code);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.closeUnread(CloseCode.unsupportedData, 'binary frames are not supported');
      return;
    }
    const text = data.toString();
    if (this.handling) (this.backlog ??= []).push(text);
    else void this.handleInOrder(text);
  }

  /** Handles `first` and then, one at a time in arrival order, every frame that comes in meanwhile. */
  private async handleInOrder(first: string): Promise<void> {
    this.handling = true;
    for (let text: string | undefined = first; text !== undefined; text = this.backlog?.shift()) await this.handle(text);
    this.backlog = null;
    this.handling = false;
  }

  private async handle(text: string): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN || this.closing) return;
    let value: unknown;
    try {
      value = parseJson(text, this.services.limits.maxJsonDepth);
      await this.dispatch(parseClientMessage(this.services.schemas, value));
    } catch (err) {
      this.reportError(err, value, broadcastIdOf(value), roomOf(value));
    }
  }

  /** An `error` frame for a refused message (`refused`: what the client sent, for the log's line about it). */
  private reportError(err: unknown, refused: unknown, broadcastId?: string, room?: string): void {
    if (!(err instanceof ProtocolError)) this.services.logger.error({ err }, 'websocket message failed');
    const { code, message } = toClientError(err);
    this.log.refused(refused, code);
    this.send({ type: 'error', code, message, ...(broadcastId ? { broadcastId } : {}), ...(room ? { room } : {}) });
    if ((code === 'bad-request' || code === 'rate-limited') && ++this.badFrames > this.services.limits.maxBadFramesPerInterval) {
      this.close(CloseCode.abuse, 'too many bad frames');
    }
  }

  private async dispatch(message: ClientMessage): Promise<void> {
    if (message.type === 'hello') return this.hello(message);
    const tenant = this.tenant;
    const identity = this.identity;
    if (!tenant || !identity) throw new ProtocolError('bad-request', 'the first message must be hello');
    switch (message.type) {
      case 'auth':
        return this.auth(message.token);
      case 'subscribe':
        return this.subscribe(message.room, message.epoch, message.since);
      case 'unsubscribe':
        this.dropSubscription(message.room);
        return;
      default: {
        requireRoomAccess(identity, message.room);
        const admitted = this.services.guard.takeOp(tenant.id, identity.user.id, this.address);
        if (admitted) await admitted; // limits in Redis: the next frame waits, so ops keep their order
        // Not awaited: the next frames' ops join the same commit group. Commits (and so acks) keep arrival order.
        const { broadcastId } = message;
        this.opsInFlight++;
        this.services.rooms.apply(tenant.id, identity.user, message).then(
          (ack) => {
            this.send(ack);
            this.opSettled();
          },
          (err: unknown) => {
            this.reportError(err, message, broadcastId);
            this.opSettled();
          },
        );
      }
    }
  }

  private async hello(message: HelloMessage): Promise<void> {
    if (this.identity) throw new ProtocolError('bad-request', 'hello was already received');
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
    if (message.protocol !== PROTOCOL_VERSION) {
      return this.refuse(1002, 'bad-request', `protocol ${message.protocol} is not supported; this server speaks ${PROTOCOL_VERSION}`);
    }
    let tenant: Tenant;
    try {
      tenant = this.services.tenants.require(message.tenant);
    } catch (err) {
      return this.refuse(CloseCode.forbidden, 'forbidden', (err as Error).message);
    }
    // Checked at hello, when the tenant is known: a page from another site must not act for this tenant's users.
    if (!isOriginAllowed(tenant, this.origin)) {
      return this.refuse(CloseCode.forbidden, 'forbidden', `pages from ${String(this.origin).slice(0, 100)} may not use tenant "${tenant.id}"`);
    }
    let guestToken: string | undefined;
    let identity: Identity | null;
    if (message.token) {
      identity = await this.verify(tenant, message.token);
      if (!identity) return;
      // Guest tokens are renewed by the server: an old one gets a fresh token for the same guest in `welcome`.
      if (identity.guestIssuedAt !== undefined && Date.now() - identity.guestIssuedAt > this.services.limits.guestRenewAfterMs) {
        guestToken = (await this.services.guests.mint(tenant.id, identity.user)).token;
        identity = await this.verify(tenant, guestToken);
        if (!identity) return;
      }
    } else if (tenant.guests) {
      try {
        await this.services.guard.takeGuest(this.address);
      } catch (err) {
        this.services.metrics.refused.inc({ reason: 'guest-rate' });
        return this.refuse(CloseCode.abuse, 'rate-limited', (err as Error).message);
      }
      const guest = await this.services.guests.mint(tenant.id);
      guestToken = guest.token;
      identity = await this.verify(tenant, guest.token);
      if (!identity) return;
    } else {
      return this.refuse(CloseCode.unauthorized, 'unauthorized', 'this tenant needs a token');
    }
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.tenant = tenant;
    this.usage = this.services.usage.tenant(tenant.id);
    this.setIdentity(identity);
    this.log.opened(tenant.id, userKindOf(identity));
    this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, user: identity.user, ...(guestToken ? { guestToken } : {}) });
  }

  /**
   * A fresh token, in place: subscriptions stay (those its `rooms` no longer list are dropped with a `forbidden`
   * error naming the room). A token that is not valid closes the connection with 4401, as at hello — the client
   * reports `unauthorized` (action `auth`) and waits for the host page's next token.
   */
  private async auth(token: string): Promise<void> {
    const identity = await this.verify(this.tenant!, token);
    if (!identity) return;
    this.setIdentity(identity);
    for (const { room } of [...(this.subscriptions ?? [])]) {
      if (identity.rooms && !identity.rooms.includes(room)) {
        this.dropSubscription(room);
        this.send({ type: 'error', code: 'forbidden', message: 'your new token does not give access to this room', room });
      }
    }
    this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, user: identity.user });
  }

  /** Adopts an identity; the connection closes with 4401 when its token expires (unless `auth` renews it first). */
  private setIdentity(identity: Identity): void {
    this.identity = identity;
    clearTimeout(this.expiry);
    this.expiry = undefined;
    this.armExpiry();
  }

  /** Arms the 4401 timer once the token's expiry is within the next ping interval (checked again at each beat). */
  private armExpiry(): void {
    const left = this.identity!.expiresAt - Date.now();
    if (this.expiry || left > this.services.limits.pingIntervalMs) return;
    this.expiry = setTimeout(() => this.refuse(CloseCode.unauthorized, 'unauthorized', 'the token has expired'), Math.max(0, left));
    this.expiry.unref();
  }

  /** The token's identity, or null after closing the connection (4401; SPEC: an invalid token closes). */
  private async verify(tenant: Tenant, token: string): Promise<Identity | null> {
    try {
      return await this.services.authenticate(tenant, token);
    } catch (err) {
      const { code, message } = toClientError(err);
      if (!(err instanceof ProtocolError)) this.services.logger.error({ err }, 'token verification failed');
      this.refuse(code === 'forbidden' ? CloseCode.forbidden : CloseCode.unauthorized, code === 'forbidden' ? code : 'unauthorized', message);
      return null;
    }
  }

  private refuse(closeCode: number, code: ErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
    this.close(closeCode, message.slice(0, 120));
  }

  private async subscribe(room: string, epoch?: string, since?: number): Promise<void> {
    requireRoomAccess(this.identity!, room);
    this.dropSubscription(room); // a re-subscribe (after a gap) starts afresh
    if ((this.subscriptions?.length ?? 0) >= this.services.limits.maxSubscriptionsPerConnection) {
      throw new ProtocolError('too-large', `a connection may subscribe to at most ${this.services.limits.maxSubscriptionsPerConnection} rooms`);
    }
    const subscription = await Subscription.open(this.services, this.tenant!.id, room, { epoch, since }, this, this.identity!.user);
    if (this.ws.readyState !== WebSocket.OPEN) return subscription.close();
    // Most connections hold one room: an array made with it has room for one, where a first push reserves 17.
    if (this.subscriptions) this.subscriptions.push(subscription);
    else this.subscriptions = [subscription];
    this.services.metrics.subscriptions.inc();
  }

  private dropSubscription(room: string): void {
    const index = this.subscriptions?.findIndex((subscription) => subscription.room === room) ?? -1;
    if (index < 0) return;
    this.subscriptions![index]!.close();
    this.subscriptions!.splice(index, 1);
    this.services.metrics.subscriptions.dec();
  }

  // SubscriptionSink: what a room subscription sends, through the outbox like everything else (so that, say, the
  // replayed events go before `subscribed`).
  snapshot(message: SnapshotMessage): void {
    this.send(message);
  }

  subscribed(message: SubscribedMessage): void {
    this.send(message);
  }

  events(run: EventRun): void {
    this.enqueue(run);
  }

  presence(json: string): void {
    this.enqueue(json);
  }

  private send(message: ServerMessage): void {
    this.enqueue(JSON.stringify(message));
  }

  private enqueue(item: string | EventRun): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.outbox) {
      this.outbox.push(item);
      return;
    }
    this.outbox = [item];
    scheduleFlush(this);
  }

  /** Writes what this turn queued (outbox-writer.ts); a reader this far behind is cut off. */
  flush(): void {
    const items = this.outbox;
    this.outbox = null;
    if (!items || this.ws.readyState !== WebSocket.OPEN) return;
    const written = writeOutbox(items, this.ws, this.socket, this.services.limits.maxFrameBytes, this);
    // The backlog before this flush: one large snapshot alone never makes a reader slow.
    if (this.ws.bufferedAmount - written > this.services.limits.maxBufferedBytes) this.closeSlowConsumer();
  }

  /** Counts one message the outbox wrote (its payload bytes: what the client receives) in usage and metrics. */
  countSent(bytes: number, events: number): void {
    const sent = this.services.metrics.sent.websocket;
    sent.bytes += bytes;
    sent.events += events;
    this.usage?.sent(bytes);
  }

  private opSettled(): void {
    if (--this.opsInFlight === 0 && this.closing) this.closeNow();
  }

  /**
   * Closes once the ops already accepted are answered (their acks tell the client what was committed), after
   * writing what is queued — the error that explains the close included. Frames after this are ignored.
   */
  private close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = { code, reason };
    this.log.serverClosing(code, reason);
    if (this.opsInFlight === 0) return this.closeNow();
    setTimeout(() => this.closeNow(), OPS_GRACE_MS).unref(); // a commit that never answers must not keep it open
  }

  private closeNow(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.flush();
    this.ws.close(this.closing!.code, this.closing!.reason);
  }

  /** Closes at once, for a client that is not spoken to any more (no hello in time, a binary frame). */
  private closeUnread(code: number, reason: string): void {
    this.log.serverClosing(code, reason);
    this.ws.close(code, reason);
  }

  private closeSlowConsumer(): void {
    // A consumer this far behind would only fall further; it resyncs from its seq when it reconnects. The close
    // frame queues behind the backlog, so the socket is cut shortly after: memory is freed either way.
    this.log.slowConsumer(this.ws.bufferedAmount);
    this.services.metrics.slowConsumers.inc({ transport: 'websocket' });
    this.ws.close(SLOW_CONSUMER, 'slow consumer');
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  heartbeat(): void {
    if (!this.alive) {
      this.log.serverClosing(1006, 'no answer to ping');
      this.ws.terminate(); // no pong since the last beat: the peer is gone
      return;
    }
    this.alive = false;
    this.badFrames = 0;
    this.ws.ping();
    if (this.identity) {
      this.enqueue(PING);
      this.armExpiry();
    }
  }

  shutdown(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      const cut = setTimeout(() => {
        this.log.serverClosing(1006, 'no closing handshake in time');
        this.ws.terminate();
      }, CLOSE_GRACE_MS);
      this.ws.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      this.close(CloseCode.restarting, 'server restarting');
    });
  }

  private onClose(code: number): void {
    this.log.closed(code);
    clearTimeout(this.helloTimer);
    clearTimeout(this.expiry);
    this.outbox = null;
    for (const { room } of [...(this.subscriptions ?? [])]) this.dropSubscription(room);
    this.services.guard.closeConnection(this.address);
    this.services.connections.delete(this);
    this.services.metrics.connections.dec({ transport: 'websocket' });
  }
}

function roomOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'subscribe') {
    const room = (value as { room?: unknown }).room;
    return typeof room === 'string' && room.length <= 256 ? room : undefined;
  }
  return undefined;
}
