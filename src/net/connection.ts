/**
 * One WebSocket to an image-chat server for one tenant and identity, shared by every `<image-chat>` on the page
 * that uses them (see `registry.ts`). It says hello, routes messages to room subscribers, tracks acks by
 * `broadcastId`, and reconnects with jittered backoff, re-subscribing every room from its `epoch`/`seq`.
 *
 * It never queues and never resends: an op while not connected fails at once, an op whose ack does not come fails
 * (SPEC §2, STYLE habit 9). Issue 3 replaces the transport layer below `sendFrame`/`receive`; the API stays.
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
import { backoff } from './backoff.js';
import { loadGuestToken, saveGuestToken } from './guest-token.js';
import { clientError, type ClientError, type ConnectionOptions, type ConnectionState, type RoomMessage, type RoomSubscriber, type TransportName } from './types.js';

interface PendingAck {
  resolve(ack: AckMessage): void;
  reject(error: ClientError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** What a connection tells its listeners: state changes (with the user, once known) and connection-level errors. */
export interface ConnectionListener {
  onState?(state: ConnectionState): void;
  /** The user changed in place (after `auth`). */
  onUser?(user: User): void;
  onError?(error: ClientError, action: 'connect' | 'auth'): void;
}

/** `http(s)://host/prefix` → `ws(s)://host/prefix/ws`. */
export function webSocketUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

export class Connection {
  state: ConnectionState = 'connecting';
  /** The transport in use while open; `null` otherwise. Only WebSocket exists until issue 3. */
  transport: TransportName | null = null;
  /** Who the server says we are (from `welcome`); null until the first welcome. */
  user: User | null = null;

  private socket?: WebSocket;
  private readonly rooms = new Map<string, Set<RoomSubscriber>>();
  private readonly acks = new Map<string, PendingAck>();
  private readonly listeners = new Set<ConnectionListener>();
  private attempt = 0;
  private everOpened = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private closed = false;
  /** Whether this socket has had its welcome: later welcomes answer an `auth` and need no re-subscribing. */
  private welcomed = false;
  private authPending = false;
  private readonly ackTimeoutMs: number;
  private _options: ConnectionOptions;

  constructor(options: ConnectionOptions) {
    this._options = options;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    globalThis.addEventListener?.('online', this.handleOnline);
    globalThis.addEventListener?.('offline', this.handleOffline);
    this.connect();
  }

  get options(): Readonly<ConnectionOptions> {
    return this._options;
  }

  /**
   * Switches to a fresh token in place (the `auth` message): subscriptions stay, and every element on this
   * connection now acts as the token's user. Before the socket is open, the next `hello` carries it.
   */
  authenticate(token: string): void {
    this._options = { ...this._options, token };
    if (this.state === 'open') {
      this.authPending = true;
      this.sendFrame({ type: 'auth', token });
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
      if (this.state === 'open') this.sendFrame({ type: 'unsubscribe', room });
    };
  }

  /** Asks again for a room from where its subscribers stand: after a gap in `seq`. */
  resubscribe(room: string): void {
    if (this.state === 'open' && this.rooms.has(room)) this.sendFrame(this.subscribeFrame(room));
  }

  /**
   * Sends an op and resolves with its ack. Rejects with a {@link ClientError} on the server's `error` for this
   * `broadcastId`, when no ack comes within the timeout, when the socket closes first, or at once when not connected.
   */
  sendOp(op: Op): Promise<AckMessage> {
    if (this.state !== 'open' || !this.socket) {
      return Promise.reject(
        isOffline()
          ? clientError('offline', 'The browser is offline.')
          : clientError('unavailable', 'Not connected to the image-chat server.'),
      );
    }
    const frame = JSON.stringify(op);
    // A frame over the limit would make the server close the socket (1009) for everyone on it: refuse it here.
    if (new TextEncoder().encode(frame).length > LIMITS.maxFrameBytes) {
      return Promise.reject(clientError('too-large', 'This change is too large to send.'));
    }
    return new Promise<AckMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(op.broadcastId);
        reject(clientError('unavailable', 'The server did not confirm this change in time.'));
      }, this.ackTimeoutMs);
      this.acks.set(op.broadcastId, { resolve, reject, timer });
      this.socket!.send(frame);
    });
  }

  /** Closes for good (the registry calls this when the last element lets go). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    globalThis.removeEventListener?.('online', this.handleOnline);
    globalThis.removeEventListener?.('offline', this.handleOffline);
    this.failAcks();
    this.socket?.close(CloseCode.normal);
    this.socket = undefined;
    this.setState('closed');
  }

  private connect(): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    if (isOffline()) {
      this.setState('offline');
      return;
    }
    this.setState(this.everOpened || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let socket: WebSocket;
    try {
      socket = new WebSocket(webSocketUrl(this.options.server));
    } catch (error) {
      // Only a malformed URL throws here: a configuration mistake, so say it plainly and stop.
      this.emitError(clientError('unavailable', `Cannot connect to ${this.options.server}: ${String(error)}`), 'connect');
      this.setState('closed');
      return;
    }
    this.socket = socket;
    this.welcomed = false;
    socket.onopen = () => {
      const token = this.options.token ?? loadGuestToken(this.options.server, this.options.tenant);
      this.sendFrame({ type: 'hello', protocol: PROTOCOL_VERSION, tenant: this.options.tenant, ...(token ? { token } : {}) });
    };
    socket.onmessage = (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.handleClose(event.code);
    };
  }

  private receive(data: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return; // not ours to crash on; the server only sends JSON
    }
    switch (message.type) {
      case 'welcome': {
        this.user = message.user;
        const first = !this.welcomed;
        this.welcomed = true;
        this.authPending = false;
        if (message.guestToken && !this.options.token) {
          saveGuestToken(this.options.server, this.options.tenant, message.guestToken);
        }
        this.attempt = 0;
        this.everOpened = true;
        this.transport = 'websocket';
        if (first) {
          this.setState('open');
          for (const room of this.rooms.keys()) this.sendFrame(this.subscribeFrame(room));
        } else {
          for (const listener of this.listeners) listener.onUser?.(message.user);
        }
        return;
      }
      case 'ack':
        this.settleAck(message.broadcastId, (p) => p.resolve(message));
        return;
      case 'error':
        if (message.broadcastId && this.acks.has(message.broadcastId)) {
          this.settleAck(message.broadcastId, (p) => p.reject(clientError(message.code, message.message)));
        } else if (message.room) {
          this.route(message.room, message);
        } else if (message.broadcastId === undefined) {
          this.emitError(clientError(message.code, message.message), 'connect');
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

  private route(room: string, message: RoomMessage): void {
    for (const subscriber of this.rooms.get(room) ?? []) subscriber.onMessage(message);
  }

  private settleAck(broadcastId: string, settle: (pending: PendingAck) => void): void {
    const pending = this.acks.get(broadcastId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.acks.delete(broadcastId);
    settle(pending);
  }

  private failAcks(): void {
    for (const id of [...this.acks.keys()]) {
      this.settleAck(id, (p) => p.reject(clientError('unavailable', 'The connection closed before the server confirmed this change.')));
    }
  }

  private handleClose(code: number): void {
    this.socket = undefined;
    this.transport = null;
    this.failAcks();
    if (this.closed) return;
    if (code === CloseCode.unauthorized && !this.options.token && loadGuestToken(this.options.server, this.options.tenant)) {
      // A stored guest token the server no longer accepts (a new database): start over as a new guest.
      saveGuestToken(this.options.server, this.options.tenant, undefined);
      this.attempt = 0;
      this.connect();
      return;
    }
    if (code === CloseCode.unauthorized || code === CloseCode.forbidden) {
      const errorCode = code === CloseCode.unauthorized ? 'unauthorized' : 'forbidden';
      this.emitError(clientError(errorCode, 'The server refused this connection.'), this.authPending ? 'auth' : 'connect');
      this.setState('closed');
      return;
    }
    if (isOffline()) {
      this.setState('offline');
      return;
    }
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), backoff(this.attempt++));
  }

  private readonly handleOnline = (): void => {
    if (!this.closed && !this.socket) {
      this.attempt = 0;
      this.connect();
    }
  };

  private readonly handleOffline = (): void => {
    if (this.closed) return;
    // Browsers may keep a dead socket open: drop it ourselves so ops fail fast with `offline`.
    clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.transport = null;
    socket?.close();
    this.failAcks();
    this.setState('offline');
  };

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
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
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
