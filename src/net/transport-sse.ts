/**
 * The SSE transport (SPEC §3) behind a WebSocket's shape, so that reconnecting-websocket drives it like a socket:
 * one `EventSource` on `/api/events` carrying every room of the connection, each `sub` with the position to resume
 * from; ops go up by HTTP POST (op-acks.ts). What the connection "sends" on it are control frames: `hello` is
 * answered with a `welcome` built from the token (the stream has no handshake of its own), and `subscribe`,
 * `unsubscribe` or `auth` open the stream afresh from the rooms' current positions (its URL names them).
 * EventSource's own retry is not used: it would resume with a Last-Event-ID the multi-room stream doesn't read, so a
 * failed stream closes this socket and reconnecting-websocket makes a new one, with fresh positions.
 */
import { CloseCode, PROTOCOL_VERSION, type ClientMessage, type ServerMessage, type User } from '../../protocol/index.js';
import { userFromToken } from './jwt.js';
import type { EventSourceClass } from './options.js';
import type { RoomPosition } from './room-subscriptions.js';

const TYPES = ['welcome', 'snapshot', 'subscribed', 'new-image-chat', 'image-chat-updated', 'deleted-image-chat', 'batch', 'ping', 'error', 'presence'];

/** What an SSE socket needs from its connection. */
export interface SseContext {
  server: string;
  tenant: string;
  /** The token the stream and POSTs act with (none: read-only, where the tenant lets guests read). */
  token?: string;
  user: User | null;
  /** Every room of the connection and where to resume it, read each time the stream opens. */
  positions(): RoomPosition[];
  EventSource: EventSourceClass;
}

type SocketEvent = { type: 'open' } | { type: 'message'; data: string } | { type: 'close'; code: number };
type Listener = (event: SocketEvent) => void;

export class SseSocket {
  /** reconnecting-websocket checks that its `WebSocket` class looks like one. */
  static readonly CLOSING = 2;
  readyState = 0;
  /** Set by reconnecting-websocket; meaningless here (text only). */
  binaryType = 'blob';
  private source?: EventSource;
  private queued = false;
  /** A `welcome` is owed: after `hello`, and after `auth` once the stream reopened with the new token. */
  private owesWelcome = false;
  /** reconnecting-websocket's listeners, by event type (plain calls: no Event objects per message). */
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly c: SseContext) {
    // After the constructor returns, so that reconnecting-websocket has added its listeners.
    queueMicrotask(() => this.readyState === 0 && this.open());
  }

  addEventListener(type: SocketEvent['type'], listener: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: SocketEvent['type'], listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }

  send(data: string): void {
    const message = JSON.parse(data) as ClientMessage;
    if (message.type === 'hello') return this.welcome();
    if (message.type === 'auth') {
      this.c.token = message.token;
      this.c.user = userFromToken(message.token);
      this.owesWelcome = true;
    }
    // Several changes in one task (elements subscribing together) open one stream.
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (this.readyState === 1) this.open();
    });
  }

  close(code: number = CloseCode.normal): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.source?.close();
    // As a WebSocket does: the close event follows the call.
    queueMicrotask(() => this.emit({ type: 'close', code }));
  }

  private open(): void {
    this.source?.close();
    const url = new URL(`${this.c.server}/api/events`);
    url.searchParams.set('tenant', this.c.tenant);
    const subs = this.c.positions();
    for (const p of subs) url.searchParams.append('sub', p.epoch === undefined ? p.room : `${p.room}@${p.epoch}:${p.since}`);
    if (this.c.token) url.searchParams.set('token', this.c.token);
    if (subs.length === 0) return this.opened(); // nothing to stream yet; the first subscribe opens it
    const source = (this.source = new this.c.EventSource(url));
    let streamOpened = false;
    source.onopen = () => {
      streamOpened = true;
      this.opened();
    };
    const deliver = (event: Event) => {
      if (this.source !== source || this.readyState === 3) return;
      const data = (event as MessageEvent).data;
      if (typeof data === 'string') {
        // A guest token the server renewed: the stream and POSTs go on with it.
        if (event.type === 'welcome') this.c.token = (JSON.parse(data) as { guestToken?: string }).guestToken ?? this.c.token;
        return this.emit({ type: 'message', data });
      }
      if (event.type !== 'error') return;
      // The stream failed. Before it ever opened, ask why: EventSource hides the HTTP status.
      source.close();
      this.readyState = 3;
      if (streamOpened) return this.closed(1006);
      void this.refusal(subs[0].room).then((code) => this.closed(code));
    };
    for (const type of TYPES) source.addEventListener(type, deliver);
  }

  /** The stream is up: the first time, the socket opens; after `auth`, the welcome for the new token follows. */
  private opened(): void {
    if (this.readyState === 0) {
      this.readyState = 1;
      this.emit({ type: 'open' });
    }
    if (this.owesWelcome) this.welcome();
  }

  /** Who we are, as a WebSocket's `welcome` would say. */
  private welcome(): void {
    this.owesWelcome = false;
    const welcome: ServerMessage = { type: 'welcome', protocol: PROTOCOL_VERSION, user: this.c.user ?? { id: '', name: '' } };
    this.emit({ type: 'message', data: JSON.stringify(welcome) });
  }

  private closed(code: number): void {
    this.emit({ type: 'close', code });
  }

  private emit(event: SocketEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) listener(event);
  }

  /** Why a stream was refused: 4401/4403 like a WebSocket close, 1006 when the server isn't answering. */
  private async refusal(room: string): Promise<number> {
    try {
      const res = await fetch(`${this.c.server}/api/rooms/${encodeURIComponent(room)}/markers?tenant=${encodeURIComponent(this.c.tenant)}`, {
        headers: this.c.token ? { Authorization: `Bearer ${this.c.token}` } : {},
      });
      return res.status === 401 ? CloseCode.unauthorized : res.status === 403 ? CloseCode.forbidden : 1006;
    } catch {
      return 1006;
    }
  }
}
