/**
 * Which transport each connection attempt uses, and the WebSocket-shaped constructor reconnecting-websocket makes
 * every link with.
 *
 * Why one constructor that picks per attempt rather than a new reconnecting-websocket on each switch: the choice is
 * made between attempts anyway (after a WebSocket that never opened), so the natural place for it is the URL
 * provider reconnecting-websocket awaits before each attempt, after its backoff. The provider may be async, which
 * lets it ask `/healthz` (is WebSocket blocked, or is the server down?) and fetch a guest identity for SSE before the
 * link is made; the URL it returns says the transport (`ws(s)://…/ws` or the server's `http(s)://` base), and the
 * constructor opens a WebSocket or an {@link SseSocket} by that scheme. One backoff, one retry count and one
 * `minUptime` then span both transports, and a fallback can never leave two reconnect loops running.
 */
import { CloseCode, type User } from '../../protocol/index.js';
import { afterWebSocketFailure } from './fallback.js';
import { answersHttp } from './http.js';
import type { Identity } from './identity.js';
import type { ResolvedOptions } from './options.js';
import type { RoomPosition } from './room-subscriptions.js';
import type { SseSocket } from './transport-sse.js';
import type { TransportName } from './types.js';

/** `http(s)://host/prefix` → `ws(s)://host/prefix/ws`. */
export function webSocketUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = url.hash = '';
  return url.toString();
}

/** A link reconnecting-websocket holds: a WebSocket or an SSE socket. */
export type Link = WebSocket | SseSocket;

export class TransportChoice {
  /** The last attempt's transport and whether its link opened. */
  attempt?: { name: TransportName; opened: boolean };
  /** The constructor reconnecting-websocket is given as its `WebSocket`. */
  readonly Link: { new (url: string): Link; readonly CLOSING: 2 };
  private onSse: boolean;
  private webSocketFailures = 0;
  /** How often in a row HTTP answered right before a WebSocket attempt that failed (see fallback.ts). */
  private httpAnswered = 0;
  private sse?: { token?: string; user: User | null };
  private probeTimer?: ReturnType<typeof setTimeout>;
  /** Counts `stop()`s: a probe from before one (still connecting, say) does nothing when it ends. */
  private stops = 0;
  private SseSocket?: typeof SseSocket;

  constructor(
    private readonly o: ResolvedOptions,
    private readonly identity: Identity,
    private readonly positions: () => RoomPosition[],
    /** A WebSocket probe got through while on SSE by fallback: reconnect (it will be a WebSocket). */
    private readonly onWebSocketBack: () => void,
  ) {
    this.onSse = o.transport === 'sse';
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const choice = this;
    this.Link = class {
      static readonly CLOSING = 2 as const;
      constructor(url: string) {
        // A constructor may return another object: reconnecting-websocket gets the link itself.
        return choice.open(url);
      }
    } as unknown as TransportChoice['Link'];
  }

  /**
   * reconnecting-websocket's URL provider, called before every attempt (after its backoff): decides the transport
   * from how the last attempt went, and gets what an SSE link needs (who we are) before it is made.
   */
  async url(): Promise<string> {
    const last = this.attempt;
    if (this.o.transport === 'auto' && last?.name === 'websocket' && !last.opened) {
      const next = afterWebSocketFailure('auto', ++this.webSocketFailures, this.o.fallbackAfter, this.httpAnswered);
      if (next === 'sse') this.onSse = true;
      // WebSocket again either way: the network may just have come back.
      else if (next === 'ask-http') this.httpAnswered = (await answersHttp(this.o.server)) ? this.httpAnswered + 1 : 0;
    }
    if (!this.onSse) return webSocketUrl(this.o.server);
    // Most pages never need SSE: its code is a chunk of its own, loaded the first time.
    this.SseSocket ??= (await import('./transport-sse.js')).SseSocket;
    this.sse = await this.identity.forHttp();
    return this.o.server;
  }

  /** The link opened (a WebSocket's upgrade, an SSE stream). */
  opened(): void {
    if (this.attempt) this.attempt.opened = true;
  }

  /** The server welcomed us over `name`: a WebSocket clears the fallback's count; SSE by fallback schedules a probe. */
  welcomed(name: TransportName): void {
    if (name === 'websocket') this.webSocketFailures = this.httpAnswered = 0;
    else if (this.o.transport === 'auto') this.scheduleProbe();
  }

  /** The connection stopped (or starts again): no probe until the next welcome over SSE. */
  stop(): void {
    clearTimeout(this.probeTimer);
    this.stops++;
  }

  private open(url: string): Link {
    let link: Link;
    const name: TransportName = /^wss?:/.test(url) ? 'websocket' : 'sse';
    if (name === 'websocket') {
      const Socket = this.o.WebSocket ?? WebSocket;
      link = new Socket(url);
      link.onerror = () => {}; // the close event says everything (and Node's `ws` throws on an error nobody hears)
    } else {
      const EventSourceClass = this.o.EventSource ?? EventSource;
      link = new this.SseSocket!({ server: this.o.server, tenant: this.o.tenant, ...this.sse!, positions: this.positions, EventSource: EventSourceClass });
    }
    this.attempt = { name, opened: false };
    return link;
  }

  /** On SSE by fallback: now and then, see whether a WebSocket gets through; if it does, switch back. */
  private scheduleProbe(): void {
    clearTimeout(this.probeTimer);
    const stops = this.stops;
    this.probeTimer = setTimeout(() => {
      if (!this.onSse) return;
      const probe = new (this.o.WebSocket ?? WebSocket)(webSocketUrl(this.o.server));
      probe.onerror = () => {};
      probe.onopen = () => {
        probe.onclose = null;
        probe.close(CloseCode.normal);
        if (stops !== this.stops) return;
        this.onSse = false;
        this.webSocketFailures = this.httpAnswered = 0;
        this.onWebSocketBack();
      };
      probe.onclose = () => stops === this.stops && this.scheduleProbe();
    }, this.o.webSocketRetryMs);
  }
}
