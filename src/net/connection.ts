/**
 * One link to an image-chat server for one tenant and identity, shared by every `<image-chat>` on the page that
 * uses them (see `registry.ts`). It picks a transport (WebSocket, or SSE + POST; `transport.ts`), says hello, routes
 * messages to room subscribers, tracks acks by `broadcastId`, and reconnects with full-jitter backoff,
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
  type ErrorMessage,
  type Op,
  type ServerMessage,
  type User,
} from '../../protocol/index.js';
import { settleLostOp } from '../core/resync.js';
import { backoff, retryStep } from './backoff.js';
import { afterWebSocketFailure } from './fallback.js';
import { loadGuestToken, saveGuestToken } from './guest-token.js';
import { answersHttp, mintGuest, postOp, userFromToken } from './http.js';
import type { RoomPosition, Transport, TransportEvents } from './transport.js';
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

interface PendingAck {
  op: Op;
  resolve(ack: AckMessage): void;
  reject(error: ClientError): void;
  timer?: ReturnType<typeof setTimeout>;
  /** Sent as a frame on the current link (POSTs don't depend on it). */
  framed?: boolean;
  /** The link went away before the ack: the room's resync settles it. */
  lost?: boolean;
}

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

const LOST = 'The connection was lost before the server confirmed this change: it was not saved.';
const UNCONFIRMED = 'The connection was lost and this change could not be confirmed: retry to make sure it is saved.';

export class Connection {
  state: ConnectionState = 'connecting';
  /** The transport in use while open; `null` otherwise. */
  transport: TransportName | null = null;
  /** Who the server says we are (from `welcome`); null until the first welcome. */
  user: User | null = null;

  private link?: Transport;
  private generation = 0;
  private readonly rooms = new Map<string, Set<RoomSubscriber>>();
  private readonly acks = new Map<string, PendingAck>();
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
    if (this.state === 'open') this.sendFrame(first ? this.subscribeFrame(room) : { type: 'subscribe', room });
    return () => {
      const current = this.rooms.get(room);
      if (!current?.delete(subscriber) || current.size > 0) return;
      this.rooms.delete(room);
      for (const [id, p] of this.acks) if (p.lost && p.op.room === room) this.settleAck(id, (a) => a.reject(clientError('unavailable', LOST)));
      if (this.state === 'open') this.sendFrame({ type: 'unsubscribe', room });
    };
  }

  /** Asks again for a room from where its subscribers stand: after a gap in `seq`. */
  resubscribe(room: string): void {
    if (this.state === 'open' && this.rooms.has(room)) this.sendFrame(this.subscribeFrame(room));
  }

  /**
   * Sends an op and resolves with its ack (or with the op's own event, should that come first and the ack never).
   * Rejects with a {@link ClientError}: at once when offline; on the server's `error`; when no ack comes in time;
   * with the link down and the server unreachable by POST; or when the room's resync shows it was never committed.
   */
  sendOp(op: Op): Promise<AckMessage> {
    if (isOffline()) return Promise.reject(clientError('offline', 'The browser is offline.'));
    const frame = JSON.stringify(op);
    // A frame over the limit would make the server close the socket (1009) for everyone on it: refuse it here.
    if (new TextEncoder().encode(frame).length > LIMITS.maxFrameBytes) {
      return Promise.reject(clientError('too-large', 'This change is too large to send.'));
    }
    return new Promise<AckMessage>((resolve, reject) => {
      const pending: PendingAck = { op, resolve, reject };
      pending.timer = setTimeout(() => {
        if (!pending.lost) this.settleAck(op.broadcastId, (p) => p.reject(clientError('unavailable', 'The server did not confirm this change in time.')));
      }, this.o.ackTimeoutMs);
      this.acks.set(op.broadcastId, pending);
      const link = this.link;
      if (this.state === 'open' && link?.framesOps) {
        pending.framed = true;
        link.sendOp(frame);
      } else if (this.state === 'open') this.post(pending);
      else {
        // The link is down: POST, but only once the server is seen to answer, so that an op reported
        // `unavailable` surely never reached it.
        const { server } = this._options;
        void answersHttp(server).then((up) =>
          up ? this.post(pending) : this.settleAck(op.broadcastId, (p) => p.reject(clientError('unavailable', 'The image-chat server cannot be reached.'))),
        );
      }
    });
  }

  /** Closes for good (the registry calls this when the last element lets go). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    globalThis.removeEventListener?.('online', this.handleOnline);
    globalThis.removeEventListener?.('offline', this.handleOffline);
    for (const id of [...this.acks.keys()]) this.settleAck(id, (p) => p.reject(clientError('unavailable', LOST)));
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
          this.link = new SseTransport(server, tenant, token, user, () => this.positions(), events);
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
          for (const room of this.rooms.keys()) this.sendFrame(this.subscribeFrame(room));
        } else if (this._options.transport !== 'sse') {
          this.scheduleWebSocketProbe();
        }
        this.setState('open');
        return;
      }
      case 'ack':
      case 'error':
        if (message.broadcastId && this.acks.has(message.broadcastId)) return this.reply(message);
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
    for (const [id, p] of this.acks) {
      if (p.op.room !== room) continue;
      if ('broadcastId' in message && message.broadcastId === id && 'seq' in message) {
        this.settleAck(id, (a) => a.resolve({ type: 'ack', broadcastId: id, seq: message.seq }));
      } else if (p.lost && (message.type !== 'subscribed' || this.caughtUp(room, message))) {
        const outcome = settleLostOp(p.op, message);
        if (outcome === 'failed') this.settleAck(id, (a) => a.reject(clientError('unavailable', LOST)));
        // Confirmed by a snapshot: its seq is applied, so the op retires.
        else if (outcome === 'confirmed' && message.type === 'snapshot') this.settleAck(id, (a) => a.resolve({ type: 'ack', broadcastId: id, seq: message.seq }));
      }
    }
  }

  /** Whether every subscriber of the room stands where `subscribed` says the server is (else a resync follows). */
  private caughtUp(room: string, message: { epoch: string; seq: number }): boolean {
    return [...(this.rooms.get(room) ?? [])].every((s) => {
      const p = s.position();
      return p?.epoch === message.epoch && p.since >= message.seq;
    });
  }

  private reply(message: AckMessage | ErrorMessage): void {
    this.settleAck(message.broadcastId!, (p) =>
      message.type === 'ack' ? p.resolve(message) : p.reject(clientError(message.code, message.message)),
    );
  }

  /** An op by `POST`: the SSE transport's way up, and WebSocket's while its link is down. */
  private post(pending: PendingAck): void {
    const { server, tenant, token = loadGuestToken(server, tenant) } = this._options;
    postOp(server, tenant, token, pending.op).then(
      (reply) => this.reply({ ...reply, broadcastId: pending.op.broadcastId }),
      () => {
        // Sent, maybe committed, answer lost: a resync of its room tells (now, or after the reconnect).
        this.lose(pending);
        this.resubscribe(pending.op.room);
      },
    );
  }

  private lose(pending: PendingAck): void {
    if (pending.lost) return;
    clearTimeout(pending.timer);
    pending.lost = true;
    pending.timer = setTimeout(
      () => this.settleAck(pending.op.broadcastId, (p) => p.reject(clientError('unavailable', UNCONFIRMED))),
      this.o.lostTimeoutMs,
    );
  }

  private settleAck(broadcastId: string, settle: (pending: PendingAck) => void): void {
    const pending = this.acks.get(broadcastId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.acks.delete(broadcastId);
    settle(pending);
  }

  /** Closes the current link without reporting it; ops sent over it that await an ack are now lost. */
  private drop(): void {
    clearTimeout(this.livenessTimer);
    this.generation++;
    this.link?.close();
    this.link = undefined;
    this.transport = null;
    this.welcomed = false;
    for (const p of this.acks.values()) if (p.framed) this.lose(p);
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
      for (const id of [...this.acks.keys()]) this.settleAck(id, (p) => p.reject(clientError('unavailable', LOST)));
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

  /** Every room with where to resume it (for the SSE stream's URL). */
  private positions(): RoomPosition[] {
    return [...this.rooms.keys()].map((room) => {
      const frame = this.subscribeFrame(room) as RoomPosition;
      return { room, epoch: frame.epoch, since: frame.since };
    });
  }

  private subscribeFrame(room: string): ClientMessage {
    // Resume from the furthest-behind subscriber: those ahead drop the replayed events as stale.
    let position: { epoch: string; since: number } | undefined;
    for (const subscriber of this.rooms.get(room) ?? []) {
      const p = subscriber.position();
      if (!p) return { type: 'subscribe', room };
      if (position && p.epoch !== position.epoch) return { type: 'subscribe', room };
      if (!position || p.since < position.since) position = p;
    }
    return position ? { type: 'subscribe', room, epoch: position.epoch, since: position.since } : { type: 'subscribe', room };
  }

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
