/**
 * A connection's options: what the host gives (server, tenant, token, transport) and the tunables, validated and
 * merged over {@link CONNECTION_DEFAULTS} once, when the connection is made. Misuse throws a TypeError that states
 * the rule (STYLE habit 7); nothing is read from a shared mutable object afterwards.
 */
import { LIMITS } from '../../protocol/index.js';
import type { TransportPreference } from './types.js';

/** The WebSocket class a connection uses (Node has none before 22: its tests pass `ws`'s). */
export type WebSocketClass = typeof WebSocket;
/** The EventSource class the SSE transport uses (Node has none: its tests pass a fetch-based one). */
export type EventSourceClass = typeof EventSource;

export interface Tunables {
  /** An op sent on an open link fails when its ack hasn't come in this time (the other tabs' deadline too). */
  ackTimeoutMs: number;
  /** No message at all for this long (2.5 server ping intervals) means the link is dead. */
  livenessMs: number;
  /** The retry count resets only after a link stayed up this long (reconnecting-websocket's `minUptime`). */
  minUptimeMs: number;
  /** The first retry's delay (jittered: half to all of it); each further retry doubles it, up to `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
  /** A link that has not opened in this time is given up (reconnecting-websocket's `connectionTimeout`). */
  connectTimeoutMs: number;
  /** WebSocket attempts that never opened, in a row, before `auto` asks whether HTTP gets through. */
  fallbackAfter: number;
  /**
   * How long an op whose answer the link lost waits for its room's resync before it fails anyway (the server may
   * stay out of reach); long enough to outlast the longest backoff. A Retry of it is safe (idempotency).
   */
  lostTimeoutMs: number;
  /** How often `auto`, fallen back to SSE, tries WebSocket again. */
  webSocketRetryMs: number;
}

export interface ConnectionOptions extends Partial<Tunables> {
  /** Base URL of the image-chat server (http or https). */
  server: string;
  tenant: string;
  /** A signed user token; without one the connection is a guest (kept in localStorage). */
  token?: string;
  /** `auto` (WebSocket, falling back to SSE), `websocket` or `sse`. */
  transport?: TransportPreference;
  /** Defaults to the global one. */
  WebSocket?: WebSocketClass;
  /** Defaults to the global one. */
  EventSource?: EventSourceClass;
}

export type ResolvedOptions = Tunables & Required<Pick<ConnectionOptions, 'server' | 'tenant' | 'transport'>> & Pick<ConnectionOptions, 'token' | 'WebSocket' | 'EventSource'>;

export const CONNECTION_DEFAULTS: Readonly<Tunables> = Object.freeze({
  ackTimeoutMs: 10_000,
  livenessMs: 2.5 * LIMITS.pingIntervalMs,
  minUptimeMs: 5_000,
  minDelayMs: 500,
  maxDelayMs: 20_000,
  connectTimeoutMs: 10_000,
  fallbackAfter: 2,
  lostTimeoutMs: 30_000,
  webSocketRetryMs: 60_000,
});

/** The transports an element or a connection may be told to use. */
export const TRANSPORTS: readonly TransportPreference[] = ['auto', 'websocket', 'sse'];

/** Checks `options` and fills in the defaults; throws a TypeError naming the option and the rule. */
export function connectionOptions(options: ConnectionOptions): ResolvedOptions {
  const o = { ...CONNECTION_DEFAULTS, transport: 'auto', ...definedOnly(options) } as ResolvedOptions;
  const fail = (rule: string) => {
    throw new TypeError(`image-chat connection: ${rule}.`);
  };
  for (const key of Object.keys(CONNECTION_DEFAULTS) as (keyof Tunables)[]) {
    const value = o[key];
    if (typeof value !== 'number' || !(value > 0 && value < Infinity)) fail(`${key} must be a positive number; got ${String(value)}`);
  }
  if (o.minDelayMs > o.maxDelayMs) fail('minDelayMs must not exceed maxDelayMs');
  if (!TRANSPORTS.includes(o.transport)) fail(`transport must be one of ${TRANSPORTS.join(', ')}; got "${o.transport}"`);
  if (!o.tenant || typeof o.tenant !== 'string') fail('tenant must be a non-empty string');
  return o;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
