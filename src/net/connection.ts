/**
 * One link to an image-chat server for one tenant and identity, shared by every `<image-chat>` on the page that
 * uses them (see `registry.ts`). It picks a transport (WebSocket, or SSE + POST; `transport.ts`), says hello, routes
 * messages to room subscribers, tracks acks by `broadcastId` (`op-acks.ts`), and reconnects with full-jitter backoff,
 * re-subscribing every room from its `epoch`/`seq`. With `auto`, a WebSocket that can't be established while the
 * server answers HTTP makes it fall back to SSE, and it tries WebSocket again now and then.
 *
 * It never queues and never resends (SPEC §2, STYLE habit 9): offline, an op fails at once; with the link down, it
 * goes by POST or fails. An op whose ack the link lost stays pending until the room's resync settles it.
 */
import {
  CloseCode,
  LIMITS,
  PROTOCOL_VERSION,
  isRoomEvent,
  type AckMessage,
  type ClientMessage,
  type Op,
  type ServerMessage,
  type User,
} from '../../protocol/index.js';
import { backoff, retryStep } from './backoff.js';
import { afterWebSocketFailure } from './fallback.js';
import { loadGuestToken, saveGuestToken } from './guest-token.js';
import { answersHttp, mintGuest, userFromToken } from './http.js';
import { OpAcks } from './op-acks.js';
import { caughtUp, positions, subscribeFrame, type Rooms } from './room-subscriptions.js';
import type { Transport, TransportEvents } from './transport.js';
import { SseTransport } from './transport-sse.js';
import { WebSocketTransport, webSocketUrl } from './transport-websocket.js';
import { clientError, type ClientError, type ConnectionOptions, type ConnectionState, type RoomMessage, type RoomSubscriber, type TransportName } from './types.js';

export { webSocketUrl };

/** Defaults for every connection's tunables (tests and hosts may change them before connecting). */
export const CONNECTION_DEFAULTS = {
  /** An op sent on an open link fails when its ack hasn't come in this time. */
  ackTimeoutMs: 10_000,
  /** No message at all for this long (2.5 server ping intervals) means the link is dead. */
  livenessMs: 2.5 * LIMITS.pingIntervalMs,
  /** The retry count resets only after a link stayed up this long. */
  minUptimeMs: 5_000,
  minDelayMs: 500,
  maxDelayMs: 20_000,
  /** WebSocket attempts that never opened, in a row, before `auto` asks whether HTTP gets through. */
  fallbackAfter: 2,
  /**
   * How long an op whose answer the link lost waits for its room's resync before it fails anyway (the server may
   * stay out of reach); long enough to outlast the longest backoff. A Retry of it is safe (idempotency).
   */
  lostTimeoutMs: 30_000,
  /** How often `auto`, fallen back to SSE, tries WebSocket again. */
  webSocketRetryMs: 60_000,
  /** The WebSocket class (Node has none before 22: tests inject `ws`'s). */
  WebSocket: undefined as typeof WebSocket | undefined,
};

/** What a connection tells its listeners: state changes (with the user, once known) and connection-level errors. */
export interface ConnectionListener {
  onState?(state: ConnectionState): void;
  /** The user changed in place (after `auth`). */
  onUser?(user: User): void;
  onError?(error: ClientError, action: 'connect' | 'auth'): void;
}

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

export class Connection {
  state: ConnectionState = 'connecting';
  /** The transport in use while open; `null` otherwise. */
  transport: TransportName | null = null;
  /** Who the server says we are (from `welcome`); null until the first welcome. */
  user: User | null = null;

  private link?: Transport;
  private generation = 0;
  private readonly rooms: Rooms = new Map();
  private readonly acks: OpAcks;
  private readonly listeners = new Set<ConnectionListener>();
  private attempt = 0;
  private openedAt = 0;
  private webSocketFailures = 0;
  /** How often in a row HTTP answered right before a WebSocket attempt that failed (see fallback.ts). */
  private httpAnswered = 0;
  private onSse = false;
  private everOpened = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private livenessTimer?: ReturnType<typeof setTimeout>;
  private probeTimer?: ReturnType<typeof setTimeout>;
  private closed = false;
  /** Stopped after 4401/4403 until a new token comes. */
  private refused = false;
  private refusal?: string;
  private welcomed = false;
  private authPending = false;
  private _options: ConnectionOptions;
  private readonly o: typeof CONNECTION_DEFAULTS;

  constructor(options: ConnectionOptions) {
    this._options = options;
    this.o = { ...CONNECTION_DEFAULTS };
    for (const [key, value] of Object.entries(options)) if (value !== undefined && key in this.o) Object.assign(this.o, { [key]: value });
    this.onSse = options.transport === 'sse';
    this.acks = new OpAcks(this, this.o);
    globalThis.addEventListener?.('online', this.handleOnline);
    globalThis.addEventListener?.('offline', this.handleOffline);
    this.connect();
  }

  get options(): Readonly<ConnectionOptions> {
    return this._options;
  }

  /**
   * Switches to a fresh token in place (the `auth` message): subscriptions stay, and every element on this
   * connection now acts as the token's user. Before the link is open, the next `hello` carries it; after a 4401,
   * it reconnects with it at once.
   */
  authenticate(token: string): void {
    this._options = { ...this._options, token };
    if (this.refused) {
      this.refused = false;
      this.attempt = 0;
      this.connect();
    } else if (this.state === 'open') {
      this.authPending = true;
      this.link?.send({ type: 'auth', token });
    }
  }

  /** Listens to state changes and connection errors; returns the unsubscribe function. */
  listen(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Subscribes to a room. Several subscribers of one room share the server subscription; a later one asks for a
   * fresh snapshot (every subscriber receives it, which is harmless: a snapshot replaces confirmed state).
   */
  subscribe(room: string, subscriber: RoomSubscriber): () => void {
    let set = this.rooms.get(room);
    const first = !set;
    if (!set) this.rooms.set(room, (set = new Set()));
    set.add(subscriber);
    if (this.state === 'open') this.sendFrame(first ? subscribeFrame(room, set) : { type: 'subscribe', room });
    return () => {
      const current = this.rooms.get(room);
      if (!current?.delete(subscriber) || current.size > 0) return;
      this.rooms.delete(room);
      this.acks.fail(room);
      if (this.state === 'open') this.sendFrame({ type: 'unsubscribe', room });
    };
  }

  /** Asks again for a room from where its subscribers stand: after a gap in `seq`. */
  resubscribe(room: string): void {
    if (this.state === 'open' && this.rooms.has(room)) this.sendFrame(subscribeFrame(room, this.rooms.get(room)));
  }

  /**
   * Sends an op and resolves with its ack (or with the op's own event, should that come first and the ack never).
   * Rejects with a {@link ClientError}: at once when offline; on the server's `error`; when no ack comes in time;
   * with the link down and the server unreachable by POST; or when the room's resync shows it was never committed.
   */
  sendOp(op: Op): Promise<AckMessage> {
    if (isOffline()) return Promise.reject(clientError('offline', 'The browser is offline.'));
    return this.acks.send(op, this.state === 'open', this.link);
  }

  /** Closes for good (the registry calls this when the last element lets go). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    globalThis.removeEventListener?.('online', this.handleOnline);
    globalThis.removeEventListener?.('offline', this.handleOffline);
    this.acks.fail();
    this.drop();
    this.setState('closed');
  }

  private connect(): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    this.drop();
    if (isOffline()) return this.setState('offline');
    this.setState(this.everOpened || this.attempt > 0 ? 'reconnecting' : 'connecting');
    const generation = ++this.generation;
    const current = <A extends unknown[]>(f: (...args: A) => void) => (...args: A) => {
      if (generation === this.generation) f(...args);
    };
    const events: TransportEvents = {
      onOpen: current(() => {
        const token = this._options.token ?? loadGuestToken(this._options.server, this._options.tenant);
        this.sendFrame({ type: 'hello', protocol: PROTOCOL_VERSION, tenant: this._options.tenant, ...(token ? { token } : {}) });
      }),
      onMessage: current((m: ServerMessage) => this.receive(m)),
      onClose: current((code: number) => this.handleClose(code)),
    };
    const { server, tenant } = this._options;
    if (this.onSse) {
      void this.identity().then(
        current(({ token, user }: { token?: string; user: User | null }) => {
          this.link = new SseTransport(server, tenant, token, user, () => positions(this.rooms), events);
        }),
      );
      return;
    }
    try {
      this.link = new WebSocketTransport(server, events, this.o.WebSocket ?? WebSocket);
      this.alive(); // an upgrade that hangs counts as dead too
    } catch (error) {
      // Only a malformed URL throws here: a configuration mistake, so say it plainly and stop.
      this.emitError(clientError('unavailable', `Cannot connect to ${server}: ${String(error)}`), 'connect');
      this.setState('closed');
    }
  }

  /** Who the SSE stream and POSTs act as: the token, else the stored guest, else a new guest from the server. */
  private async identity(): Promise<{ token?: string; user: User | null }> {
    const { server, tenant, token = loadGuestToken(server, tenant) } = this._options;
    if (token) return { token, user: userFromToken(token) };
    try {
      const guest = await mintGuest(server, tenant);
      saveGuestToken(server, tenant, guest.token);
      return guest;
    } catch {
      return { user: null }; // no guests here: read-only
    }
  }

  private receive(message: ServerMessage): void {
    this.alive();
    switch (message.type) {
      case 'welcome': {
        this.user = message.user;
        const first = !this.welcomed;
        this.welcomed = true;
        this.authPending = false;
        if (message.guestToken && !this._options.token) saveGuestToken(this._options.server, this._options.tenant, message.guestToken);
        if (!first) {
          for (const listener of this.listeners) listener.onUser?.(message.user);
          return;
        }
        this.openedAt = Date.now();
        this.everOpened = true;
        this.transport = this.link?.name ?? null;
        if (this.transport === 'websocket') {
          this.webSocketFailures = this.httpAnswered = 0;
          for (const [room, subscribers] of this.rooms) this.sendFrame(subscribeFrame(room, subscribers));
        } else if (this._options.transport !== 'sse') {
          this.scheduleWebSocketProbe();
        }
        this.setState('open');
        return;
      }
      case 'ack':
      case 'error':
        if (message.broadcastId && this.acks.reply(message)) return;
        if (message.type === 'error' && message.room) this.route(message.room, message);
        else if (message.type === 'error' && message.broadcastId === undefined) {
          // A refusal comes with its close (4401/4403) right after: reported once, then, with this message.
          if (message.code === 'unauthorized' || message.code === 'forbidden') this.refusal = message.message;
          else this.emitError(clientError(message.code, message.message), 'connect');
        }
        return;
      case 'batch':
        for (const event of message.events) this.route(event.room, event);
        return;
      case 'snapshot':
      case 'subscribed':
        this.route(message.room, message);
        return;
      case 'ping':
        return;
      default:
        if (isRoomEvent(message)) this.route(message.room, message);
    }
  }

  /** Delivers a room message, then settles the ops it confirms (their event) or, after a resync, fails. */
  private route(room: string, message: RoomMessage): void {
    for (const subscriber of this.rooms.get(room) ?? []) subscriber.onMessage(message);
    this.acks.route(room, message, (m) => caughtUp(this.rooms.get(room), m));
  }

  /** Closes the current link without reporting it; ops sent over it that await an ack are now lost. */
  private drop(): void {
    clearTimeout(this.livenessTimer);
    this.generation++;
    this.link?.close();
    this.link = undefined;
    this.transport = null;
    this.welcomed = false;
    this.acks.loseFramed();
  }

  private handleClose(code: number): void {
    const link = this.link;
    this.drop();
    const uptime = this.openedAt ? Date.now() - this.openedAt : 0;
    this.openedAt = 0;
    if (this.closed) return;
    const { server, tenant, token } = this._options;
    if (code === CloseCode.unauthorized && !token && loadGuestToken(server, tenant)) {
      // A stored guest token the server no longer accepts (a new database): start over as a new guest.
      saveGuestToken(server, tenant, undefined);
      return this.connect();
    }
    if (code === CloseCode.unauthorized || code === CloseCode.forbidden) {
      // No reconnect storm: wait for a new token (`authenticate`), which re-opens at once.
      this.refused = true;
      this.acks.fail();
      const unauthorized = code === CloseCode.unauthorized;
      this.emitError(clientError(unauthorized ? 'unauthorized' : 'forbidden', this.refusal ?? 'The server refused this connection.'), unauthorized ? 'auth' : 'connect');
      return this.setState('closed');
    }
    if (isOffline()) return this.setState('offline');
    this.attempt = retryStep(this.attempt, uptime, this.o.minUptimeMs);
    if (link?.name === 'websocket' && !link.opened) {
      const next = afterWebSocketFailure(this._options.transport ?? 'auto', ++this.webSocketFailures, this.o.fallbackAfter, this.httpAnswered);
      if (next === 'sse') {
        this.onSse = true;
        return this.connect();
      }
      if (next === 'ask-http') {
        this.setState('reconnecting');
        const generation = this.generation;
        void answersHttp(server).then((up) => {
          if (generation !== this.generation || this.closed) return;
          if (!up) {
            this.httpAnswered = 0;
            return this.retryLater();
          }
          this.httpAnswered++;
          this.connect(); // WebSocket again at once: the network may just have come back
        });
        return;
      }
    }
    this.retryLater();
  }

  private retryLater(): void {
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), backoff(this.attempt++, this.o.minDelayMs, this.o.maxDelayMs));
  }

  /** On SSE by fallback: now and then, see whether a WebSocket gets through; if it does, switch back. */
  private scheduleWebSocketProbe(): void {
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => {
      if (this.closed || !this.onSse) return;
      const Socket = this.o.WebSocket ?? WebSocket;
      const probe = new Socket(webSocketUrl(this._options.server));
      probe.onerror = () => {};
      probe.onopen = () => {
        probe.onclose = null;
        probe.close(CloseCode.normal);
        this.onSse = false;
        this.webSocketFailures = this.httpAnswered = 0;
        this.connect();
      };
      probe.onclose = () => this.scheduleWebSocketProbe();
    }, this.o.webSocketRetryMs);
  }

  /** Any message proves the link alive; none for `livenessMs` (the server pings more often) means it is dead. */
  private alive(): void {
    clearTimeout(this.livenessTimer);
    // (An SSE link with no rooms has no stream, so no pings: nothing to judge by.)
    this.livenessTimer = setTimeout(() => this.link && (this.link.name === 'websocket' || this.rooms.size > 0) && this.handleClose(1006), this.o.livenessMs);
  }

  private readonly handleOnline = (): void => {
    if (!this.closed && !this.refused && !this.link) {
      this.attempt = 0;
      this.connect();
    }
  };

  private readonly handleOffline = (): void => {
    if (this.closed || this.refused) return;
    // Browsers may keep a dead socket open: drop it ourselves so ops fail fast with `offline`.
    clearTimeout(this.retryTimer);
    this.drop();
    this.setState('offline');
  };

  private sendFrame(message: ClientMessage): void {
    this.link?.send(message);
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of this.listeners) listener.onState?.(state);
  }

  private emitError(error: ClientError, action: 'connect' | 'auth'): void {
    for (const listener of this.listeners) listener.onError?.(error, action);
  }
}
