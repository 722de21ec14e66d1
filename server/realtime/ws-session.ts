/**
 * One WebSocket connection: hello/auth, subscriptions, ops. Frames are handled one at a time, in arrival order, so a
 * client's `subscribe` followed by an op behaves as it reads. This is the WebSocket error boundary: a ProtocolError
 * becomes an `error` frame and the connection lives on; anything else is logged and reported as `internal`.
 */
import { WebSocket, type RawData } from 'ws';
import { CloseCode, type ErrorCode } from '../../protocol/errors.js';
import { PROTOCOL_VERSION, type ClientMessage, type HelloMessage, type RoomEvent, type ServerMessage } from '../../protocol/messages.js';
import { ProtocolError, toClientError } from '../errors.js';
import { requireRoomAccess, type Identity } from '../identity/authenticate.js';
import { ConnectionLog, userKindOf } from '../observability/connection-log.js';
import { broadcastIdOf, parseClientMessage, parseJson } from '../protocol/parse.js';
import type { Tenant } from '../tenants/tenant-config.js';
import { isOriginAllowed } from '../tenants/origins.js';
import type { ClientConnection } from './connections.js';
import type { Services } from '../services.js';
import { setLongTimeout } from './long-timeout.js';
import { Subscription, type SubscriptionSink } from './subscription.js';

// Replayed events go out in frames of at most this many.
const BATCH_SIZE = 100;
// How long a closing handshake may take at shutdown before the socket is cut.
const CLOSE_GRACE_MS = 1000;
// The WebSocket close code for a consumer that cannot keep up ("try again later").
const SLOW_CONSUMER = 1013;

/** What the upgrade request told about the peer. */
export interface PeerInfo {
  /** The `Origin` header: a browser page's origin (absent for non-browser clients). */
  origin: string | undefined;
  /** The client address limits are keyed by. */
  address: string;
}

export class WsSession implements ClientConnection {
  readonly transport = 'websocket' as const;
  private tenant: Tenant | null = null;
  private identity: Identity | null = null;
  private expiry: { cancel(): void } | undefined;
  private readonly subscriptions = new Map<string, Subscription>();
  private queue: Promise<void> = Promise.resolve();
  private alive = true;
  private badFrames = 0;
  private readonly helloTimer: NodeJS.Timeout;
  private readonly log: ConnectionLog;

  constructor(
    private readonly ws: WebSocket,
    private readonly services: Services,
    private readonly peer: PeerInfo,
  ) {
    this.log = ConnectionLog.websocket(services, ws, peer.address); // logs its close, whoever closes it
    services.connections.add(this);
    services.metrics.connections.inc({ transport: 'websocket' });
    this.helloTimer = setTimeout(() => this.ws.close(CloseCode.helloTimeout, 'no hello in time'), services.limits.helloTimeoutMs);
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (err) => services.logger.debug({ err }, 'websocket error'));
    ws.on('close', () => this.onClose());
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.ws.close(CloseCode.unsupportedData, 'binary frames are not supported');
      return;
    }
    const text = data.toString();
    this.queue = this.queue.then(() => this.handle(text));
  }

  private async handle(text: string): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    let value: unknown;
    try {
      value = parseJson(text, this.services.limits.maxJsonDepth);
      await this.dispatch(parseClientMessage(this.services.schemas, value));
    } catch (err) {
      this.log.refused(value, toClientError(err).code);
      this.reportError(err, broadcastIdOf(value), roomOf(value));
    }
  }

  private reportError(err: unknown, broadcastId?: string, room?: string): void {
    if (!(err instanceof ProtocolError)) this.services.logger.error({ err }, 'websocket message failed');
    const { code, message } = toClientError(err);
    this.send({ type: 'error', code, message, ...(broadcastId ? { broadcastId } : {}), ...(room ? { room } : {}) });
    if ((code === 'bad-request' || code === 'rate-limited') && ++this.badFrames > this.services.limits.maxBadFramesPerInterval) {
      this.ws.close(CloseCode.abuse, 'too many bad frames');
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
      default:
        requireRoomAccess(identity, message.room);
        this.services.guard.takeOp(tenant.id, identity.user.id, this.peer.address);
        this.send(await this.services.rooms.apply(tenant.id, identity.user, message));
    }
  }

  private async hello(message: HelloMessage): Promise<void> {
    if (this.identity) throw new ProtocolError('bad-request', 'hello was already received');
    clearTimeout(this.helloTimer);
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
    if (!isOriginAllowed(tenant, this.peer.origin)) {
      return this.refuse(CloseCode.forbidden, 'forbidden', `pages from ${String(this.peer.origin).slice(0, 100)} may not use tenant "${tenant.id}"`);
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
        this.services.guard.takeGuest(this.peer.address);
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
    for (const room of [...this.subscriptions.keys()]) {
      if (identity.rooms && !identity.rooms.includes(room)) {
        this.dropSubscription(room);
        this.send({ type: 'error', code: 'forbidden', message: 'your new token does not give access to this room', room });
      }
    }
    this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, user: identity.user });
  }

  /** Adopts an identity, and closes the connection with 4401 when its token expires (unless `auth` renews it first). */
  private setIdentity(identity: Identity): void {
    this.identity = identity;
    this.expiry?.cancel();
    this.expiry = setLongTimeout(() => this.refuse(CloseCode.unauthorized, 'unauthorized', 'the token has expired'), identity.expiresAt - Date.now());
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
    this.ws.close(closeCode, message.slice(0, 120));
  }

  private async subscribe(room: string, epoch?: string, since?: number): Promise<void> {
    requireRoomAccess(this.identity!, room);
    this.dropSubscription(room); // a re-subscribe (after a gap) starts afresh
    if (this.subscriptions.size >= this.services.limits.maxSubscriptionsPerConnection) {
      throw new ProtocolError('too-large', `a connection may subscribe to at most ${this.services.limits.maxSubscriptionsPerConnection} rooms`);
    }
    const subscription = await Subscription.open(this.services, this.tenant!.id, room, { epoch, since }, this.sink());
    if (this.ws.readyState !== WebSocket.OPEN) return subscription.close();
    this.subscriptions.set(room, subscription);
    this.services.metrics.subscriptions.inc();
  }

  private dropSubscription(room: string): void {
    const subscription = this.subscriptions.get(room);
    if (!subscription) return;
    subscription.close();
    this.subscriptions.delete(room);
    this.services.metrics.subscriptions.dec();
  }

  private sink(): SubscriptionSink {
    return {
      snapshot: (message) => this.send(message),
      subscribed: (message) => this.send(message),
      events: (events, _epoch, replay) => {
        this.services.metrics.eventsSent.inc({ transport: 'websocket' }, events.length);
        if (!replay) return events.forEach((event) => this.send(event));
        for (let i = 0; i < events.length; i += BATCH_SIZE) {
          const chunk: RoomEvent[] = events.slice(i, i + BATCH_SIZE);
          this.send(chunk.length === 1 ? chunk[0] : { type: 'batch', events: chunk });
        }
      },
    };
  }

  private send(message: ServerMessage): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    this.ws.send(text);
    const bytes = Buffer.byteLength(text);
    this.services.metrics.bytesSent.inc({ transport: 'websocket' }, bytes);
    if (this.tenant) this.services.usage.messageSent(this.tenant.id, bytes);
    // The backlog before this frame: one large snapshot alone never makes a reader slow.
    if (this.ws.bufferedAmount - bytes > this.services.limits.maxBufferedBytes) {
      // A consumer this far behind would only fall further; it resyncs from its seq when it reconnects. The close
      // frame queues behind the backlog, so the socket is cut shortly after: memory is freed either way.
      this.log.slowConsumer(this.ws.bufferedAmount);
      this.services.metrics.slowConsumers.inc({ transport: 'websocket' });
      this.ws.close(SLOW_CONSUMER, 'slow consumer');
      setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
    }
  }

  heartbeat(): void {
    if (!this.alive) {
      this.ws.terminate(); // no pong since the last beat: the peer is gone
      return;
    }
    this.alive = false;
    this.badFrames = 0;
    this.ws.ping();
    if (this.identity) this.send({ type: 'ping' });
  }

  shutdown(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      const cut = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
      this.ws.once('close', () => {
        clearTimeout(cut);
        resolve();
      });
      this.ws.close(CloseCode.restarting, 'server restarting');
    });
  }

  private onClose(): void {
    clearTimeout(this.helloTimer);
    this.expiry?.cancel();
    for (const room of [...this.subscriptions.keys()]) this.dropSubscription(room);
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
