/**
 * The SSE transport (SPEC §3): one `EventSource` on `/api/events` carrying every room of the connection, each `sub`
 * with the position to resume from; ops go up by HTTP POST (the connection does that). The stream's URL names the
 * rooms, so subscribing, unsubscribing or re-authenticating opens it afresh from the rooms' current positions.
 * EventSource's own retry is not used: it would resume with a Last-Event-ID the multi-room stream doesn't read, so
 * an error closes the stream and the connection reconnects with fresh positions.
 */
import { CloseCode, type ClientMessage, type ServerMessage, type User } from '../../protocol/index.js';
import { userFromToken } from './http.js';
import type { RoomPosition, Transport, TransportEvents } from './transport.js';

const TYPES = ['snapshot', 'subscribed', 'new-image-chat', 'image-chat-updated', 'deleted-image-chat', 'batch', 'ping', 'error'];

export class SseTransport implements Transport {
  readonly name = 'sse' as const;
  readonly framesOps = false;
  opened = false;
  private source?: EventSource;
  private done = false;
  private queued = false;
  private welcome = true;

  constructor(
    private readonly server: string,
    private readonly tenant: string,
    private token: string | undefined,
    private user: User | null,
    private readonly positions: () => RoomPosition[],
    private readonly events: TransportEvents,
  ) {
    // After the constructor returns, so the connection holds this transport when the first message comes.
    queueMicrotask(() => this.done || this.open());
  }

  send(message: ClientMessage): void {
    if (message.type === 'hello') return;
    if (message.type === 'auth') {
      this.token = message.token;
      this.user = userFromToken(message.token);
      this.welcome = true;
    }
    // Several changes in one task (elements subscribing together) open one stream.
    if (this.queued) return;
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      if (!this.done) this.open();
    });
  }

  sendOp(): void {}

  close(): void {
    this.done = true;
    this.source?.close();
  }

  private open(): void {
    this.source?.close();
    const url = new URL(`${this.server}/api/events`);
    url.searchParams.set('tenant', this.tenant);
    const subs = this.positions();
    for (const p of subs) url.searchParams.append('sub', p.epoch === undefined ? p.room : `${p.room}@${p.epoch}:${p.since}`);
    if (this.token) url.searchParams.set('token', this.token);
    if (subs.length === 0) return this.opening(); // nothing to stream yet; the first subscribe opens it
    const source = (this.source = new EventSource(url));
    let streamOpened = false;
    source.onopen = () => {
      streamOpened = true;
      this.opening();
    };
    const deliver = (event: Event) => {
      if (this.source !== source) return;
      const data = (event as MessageEvent).data;
      if (typeof data === 'string') {
        try {
          return this.events.onMessage(JSON.parse(data) as ServerMessage);
        } catch {
          return;
        }
      }
      if (event.type !== 'error') return;
      // The stream failed. Before it ever opened, ask why: EventSource hides the HTTP status.
      source.close();
      this.done = true;
      if (streamOpened) return this.events.onClose(1006);
      void this.refusal(subs[0].room).then((code) => this.events.onClose(code));
    };
    for (const type of TYPES) source.addEventListener(type, deliver);
  }

  /** First open (or after `auth`): tell the connection who we are, as a WebSocket's `welcome` would. */
  private opening(): void {
    this.opened = true;
    if (!this.welcome) return;
    this.welcome = false;
    this.events.onMessage({ type: 'welcome', protocol: 1, user: this.user ?? { id: '', name: '' } });
  }

  /** Why a stream was refused: 4401/4403 like a WebSocket close, 1006 when the server isn't answering. */
  private async refusal(room: string): Promise<number> {
    try {
      const res = await fetch(`${this.server}/api/rooms/${encodeURIComponent(room)}/markers?tenant=${encodeURIComponent(this.tenant)}`, {
        headers: this.token ? { Authorization: `Bearer ${this.token}` } : {},
      });
      return res.status === 401 ? CloseCode.unauthorized : res.status === 403 ? CloseCode.forbidden : 1006;
    } catch {
      return 1006;
    }
  }
}
