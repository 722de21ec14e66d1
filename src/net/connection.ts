/**
 * One link to an image-chat server for one tenant and identity, shared by every `<image-chat>` on the page that
 * uses them (see `registry.ts`). reconnecting-websocket drives it — backoff with jitter, `minUptime` before the
 * retry count resets, a connection timeout — over either transport (`transport-choice.ts` picks per attempt). What
 * stays ours: saying hello, routing messages to room subscribers and re-subscribing them from their `epoch`/`seq`
 * (`room-subscriptions.ts`), op acks (`op-acks.ts`), liveness, `online`/`offline`, and refusals.
 *
 * It never queues and never resends (SPEC §2, STYLE habit 9): reconnecting-websocket's send queue is off
 * (`maxEnqueuedMessages: 0`); offline, an op fails at once; with the link down, it goes by POST or fails. An op
 * whose ack the link lost stays pending until the room's resync settles it.
 *
 * One reconnecting-websocket lives from a start to a stop. Stops: a refusal (4401/4403: wait for a new token),
 * going offline, the last element letting go. Starts: the first, back online, a new token — a new instance each
 * time, because reconnecting-websocket 4.4's `reconnect()` does nothing after a `close()` made while it was waiting
 * to retry (its connect lock stays held). `reconnect()` serves a live instance: a dead link, a switch back to WebSocket.
 */
import ReconnectingWebSocketModule from 'reconnecting-websocket';
import { CloseCode, PROTOCOL_VERSION, isRoomEvent, type AckMessage, type ClientMessage, type Op, type ServerMessage, type User } from '../../protocol/index.js';
import { Identity } from './identity.js';
import { OpAcks } from './op-acks.js';
import { connectionOptions, type ConnectionOptions, type ResolvedOptions } from './options.js';
import { positions, RoomSubscriptions } from './room-subscriptions.js';
import { TransportChoice } from './transport-choice.js';
import { clientError, type ClientError, type ConnectionState, type RoomSubscriber, type TransportName } from './types.js';

// The package is CommonJS under Node (`module.exports = class`) and ESM in the bundle; its types say `export default`.
type ReconnectingWebSocketClass = typeof ReconnectingWebSocketModule.default;
const ReconnectingWebSocket: ReconnectingWebSocketClass =
  (ReconnectingWebSocketModule as unknown as { default?: ReconnectingWebSocketClass }).default ?? (ReconnectingWebSocketModule as unknown as ReconnectingWebSocketClass);
type Socket = InstanceType<typeof ReconnectingWebSocket>;

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
  readonly options: ResolvedOptions;

  private readonly identity: Identity;
  private readonly subscriptions: RoomSubscriptions;
  private readonly acks: OpAcks;
  private readonly listeners = new Set<ConnectionListener>();
  private readonly choice: TransportChoice;
  private socket?: Socket;
  private everOpened = false;
  private welcomed = false;
  private closed = false;
  /** Stopped after 4401/4403 until a new token comes. */
  private refused = false;
  /** The server's reason for the refusal whose close follows (sent as an `error` just before it). */
  private refusal?: string;
  private livenessTimer?: ReturnType<typeof setTimeout>;

  constructor(options: ConnectionOptions) {
    this.options = connectionOptions(options);
    const { server, tenant, token } = this.options;
    this.identity = new Identity(server, tenant, token);
    this.acks = new OpAcks({ options: this.options, token: () => this.identity.current(), resubscribe: (room) => this.resubscribe(room) }, this.options);
    this.subscriptions = new RoomSubscriptions((frame) => this.sendFrame(frame), this.acks);
    this.choice = new TransportChoice(this.options, this.identity, () => positions(this.subscriptions.rooms), () => this.socket?.reconnect());
    globalThis.addEventListener?.('online', this.handleOnline);
    globalThis.addEventListener?.('offline', this.handleOffline);
    if (isOffline()) this.setState('offline');
    else this.start();
  }

  /** Who this browser keeps per-user data for on this connection (the cache, other tabs); unknown for a new guest. */
  get userKey(): string | undefined {
    return this.identity.userKey(this.user);
  }

  /**
   * Switches to a fresh token in place (the `auth` message): subscriptions stay, and every element on this
   * connection now acts as the token's user. Before the link is open, the next `hello` carries it; after a 4401,
   * it reconnects with it at once.
   */
  authenticate(token: string): void {
    this.identity.setToken(token);
    if (this.refused) {
      this.refused = false;
      if (isOffline()) this.setState('offline'); // `online` starts it
      else this.start();
    } else if (this.state === 'open') this.sendFrame({ type: 'auth', token });
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
    return this.subscriptions.add(room, subscriber);
  }

  /** Asks again for a room from where its subscribers stand: after a gap in `seq`. */
  resubscribe(room: string): void {
    this.subscriptions.resubscribe(room);
  }

  /**
   * Sends an op and resolves with its ack (or with the op's own event, should that come first and the ack never).
   * Rejects with a {@link ClientError}: at once when offline; on the server's `error`; when no ack comes in time;
   * with the link down and the server unreachable by POST; or when the room's resync shows it was never committed.
   */
  sendOp(op: Op): Promise<AckMessage> {
    if (isOffline()) return Promise.reject(clientError('offline', 'The browser is offline.'));
    const open = this.state === 'open';
    return this.acks.send(op, open, open && this.transport === 'websocket' ? (data) => this.socket?.send(data) : undefined);
  }

  /** Closes for good (the registry calls this when the last element lets go). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    globalThis.removeEventListener?.('online', this.handleOnline);
    globalThis.removeEventListener?.('offline', this.handleOffline);
    this.acks.fail();
    this.stop();
    this.setState('closed');
  }

  /** A new reconnecting-websocket; events from an older one are ignored. */
  private start(): void {
    this.stop();
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    const o = this.options;
    const socket: Socket = new ReconnectingWebSocket(() => this.choice.url(), undefined, {
      WebSocket: this.choice.Link,
      maxEnqueuedMessages: 0,
      minUptime: o.minUptimeMs,
      connectionTimeout: o.connectTimeoutMs,
      maxReconnectionDelay: o.maxDelayMs,
      reconnectionDelayGrowFactor: 2,
      // Read before every retry: jitter (half to all of the delay) so that clients cut off together don't return together.
      get minReconnectionDelay() {
        return o.minDelayMs * (0.5 + Math.random() / 2);
      },
    });
    this.socket = socket;
    const mine = <E>(f: (event: E) => void) => (event: E): void => {
      if (socket === this.socket) f(event);
    };
    socket.addEventListener('open', mine(() => this.handleOpen()));
    socket.addEventListener('message', mine((event: { data: unknown }) => this.handleMessage(event.data)));
    socket.addEventListener('close', mine((event: { code: number }) => this.handleClose(event.code)));
  }

  /** Stops the current reconnecting-websocket (no reconnect); ops sent over its link that await an ack are lost. */
  private stop(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.close(CloseCode.normal);
    this.dropLink();
    this.choice.stop();
  }

  private handleOpen(): void {
    this.choice.opened();
    this.alive();
    const token = this.identity.current();
    this.sendFrame({ type: 'hello', protocol: PROTOCOL_VERSION, tenant: this.options.tenant, ...(token ? { token } : {}) }, true);
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return; // not JSON: the server only sends JSON, so a garbled frame is dropped
    }
    this.alive();
    try {
      this.receive(message);
    } catch (error) {
      // A bug of ours, not the network's: said loudly, and the connection goes on.
      console.error('image-chat:', error);
      this.emitError(clientError('internal', `Something went wrong handling a ${message.type} message: ${String(error)}`), 'connect');
    }
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        return this.welcome(message.user, message.guestToken);
      case 'ack':
      case 'error':
        if (message.broadcastId && this.acks.reply(message)) return;
        if (message.type === 'error' && message.room) this.subscriptions.route(message.room, message);
        else if (message.type === 'error' && message.broadcastId === undefined) {
          // A refusal comes with its close (4401/4403) right after: reported once, then, with this message.
          if (message.code === 'unauthorized' || message.code === 'forbidden') this.refusal = message.message;
          else this.emitError(clientError(message.code, message.message), 'connect');
        }
        return;
      case 'batch':
        for (const event of message.events) this.subscriptions.route(event.room, event);
        return;
      case 'ping':
        return;
      case 'presence':
        for (const subscriber of this.subscriptions.rooms.get(message.room) ?? []) subscriber.onPresence?.(message);
        return;
      default:
        // Everything else names its room (snapshot, subscribed, the room events; room-level messages added later).
        if (isRoomEvent(message) || message.type === 'snapshot' || message.type === 'subscribed') this.subscriptions.route(message.room, message);
    }
  }

  private welcome(user: User, guestToken: string | undefined): void {
    this.user = user;
    if (guestToken) this.identity.keepGuestToken(guestToken);
    if (this.welcomed) {
      for (const listener of this.listeners) listener.onUser?.(user);
      return;
    }
    this.welcomed = this.everOpened = true;
    this.transport = this.choice.attempt?.name ?? null;
    this.choice.welcomed(this.transport ?? 'websocket');
    // The SSE stream's URL carried the rooms; a WebSocket subscribes them now.
    if (this.transport === 'websocket') for (const frame of this.subscriptions.frames()) this.sendFrame(frame, true);
    this.setState('open');
  }

  /** The current link is gone: nothing is open, and ops sent over it that await an ack are now lost. */
  private dropLink(): void {
    clearTimeout(this.livenessTimer);
    this.transport = null;
    this.welcomed = false;
    this.acks.loseFramed();
  }

  private handleClose(code: number): void {
    this.dropLink();
    if (code === CloseCode.unauthorized && this.identity.forgetGuest()) {
      // A stored guest token the server no longer accepts (a new database): start over, at once, as a new guest.
      return this.start();
    }
    if (code === CloseCode.unauthorized || code === CloseCode.forbidden) {
      // No reconnect storm: wait for a new token (`authenticate`), which starts again at once.
      this.refused = true;
      this.stop();
      this.acks.fail();
      const unauthorized = code === CloseCode.unauthorized;
      const message = this.refusal ?? 'The server refused this connection.';
      this.refusal = undefined;
      this.emitError(clientError(unauthorized ? 'unauthorized' : 'forbidden', message), unauthorized ? 'auth' : 'connect');
      return this.setState('closed');
    }
    // reconnecting-websocket tries again by itself, after its backoff.
    this.setState('reconnecting');
  }

  /** Any message proves the link alive; none for `livenessMs` (the server pings more often) means it is dead. */
  private alive(): void {
    clearTimeout(this.livenessTimer);
    // (An SSE link with no rooms has no stream, so no pings: nothing to judge by.)
    this.livenessTimer = setTimeout(() => (this.transport !== 'sse' || this.subscriptions.rooms.size > 0) && this.socket?.reconnect(), this.options.livenessMs);
  }

  private readonly handleOnline = (): void => {
    if (!this.closed && !this.refused && this.state === 'offline') this.start();
  };

  private readonly handleOffline = (): void => {
    if (this.closed || this.refused) return;
    // Browsers may keep a dead socket open: drop it ourselves so ops fail fast with `offline`; `online` starts again.
    this.stop();
    this.setState('offline');
  };

  /** A control frame on the open link (`hello`, and the re-subscriptions after `welcome`, go before it counts as open). */
  private sendFrame(message: ClientMessage, evenBeforeWelcome = false): void {
    if (this.state === 'open' || evenBeforeWelcome) this.socket?.send(JSON.stringify(message));
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
