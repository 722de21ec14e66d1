import { LIMITS } from '../../protocol/limits.js';

/**
 * The limits the server enforces: the shared protocol defaults plus server-only bounds. Every one can be overridden
 * through `ServerOptions.limits` or the tenants file's `limits` object (tests use tiny values to reach the edges
 * quickly). The defaults are chosen so that a design review — a dozen people behind one office NAT, clicking fast,
 * several tabs each — never meets them; README "Limits" lists them with the reasoning.
 */
export interface ServerLimits {
  maxFrameBytes: number;
  maxCommentLength: number;
  maxRoomLength: number;
  maxTenantLength: number;
  maxMarkersPerRoom: number;
  maxCommentsPerMarker: number;
  /** Rooms a tenant may hold; an op that would create one more gets `too-large`. */
  maxRoomsPerTenant: number;
  maxNameLength: number;
  /** Nesting of arrays/objects in one frame or body, checked before JSON.parse. */
  maxJsonDepth: number;
  helloTimeoutMs: number;
  pingIntervalMs: number;
  eventLogRetention: number;
  idempotencyTtlMs: number;
  maxSubscriptionsPerConnection: number;
  /** A socket whose unsent data exceeds this is a slow consumer and is closed. */
  maxBufferedBytes: number;
  /** Bad frames (and rate-limited ops) tolerated per ping interval before the connection is closed as abusive (4429). */
  maxBadFramesPerInterval: number;
  /** Ops one user may send at once, and per second after that (all their connections and REST together). */
  opBurst: number;
  opsPerSecond: number;
  /** The same per client IP address (an office behind one NAT shares it). */
  ipOpBurst: number;
  ipOpsPerSecond: number;
  /** Open WebSocket + SSE connections per client IP address. */
  maxConnectionsPerIp: number;
  /** Guest identities one IP address may create at once, and per minute after that. */
  guestBurst: number;
  guestsPerMinute: number;
  /** Guest tokens older than this are replaced by a fresh one (same user) in `welcome`. */
  guestRenewAfterMs: number;
  /** How often usage counters are written to the database (and always at close). */
  usageFlushMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxFrameBytes: LIMITS.maxFrameBytes,
  maxCommentLength: LIMITS.maxCommentLength,
  maxRoomLength: LIMITS.maxRoomLength,
  maxTenantLength: LIMITS.maxTenantLength,
  maxMarkersPerRoom: LIMITS.maxMarkersPerRoom,
  maxCommentsPerMarker: LIMITS.maxCommentsPerMarker,
  maxRoomsPerTenant: 100_000,
  maxNameLength: LIMITS.maxNameLength,
  maxJsonDepth: 32,
  helloTimeoutMs: LIMITS.helloTimeoutMs,
  pingIntervalMs: LIMITS.pingIntervalMs,
  eventLogRetention: LIMITS.eventLogRetention,
  idempotencyTtlMs: LIMITS.idempotencyTtlMs,
  maxSubscriptionsPerConnection: LIMITS.maxSubscriptionsPerConnection,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxBadFramesPerInterval: 50,
  opBurst: 200,
  opsPerSecond: 50,
  ipOpBurst: 1000,
  ipOpsPerSecond: 200,
  maxConnectionsPerIp: 200,
  guestBurst: 100,
  guestsPerMinute: 60,
  guestRenewAfterMs: 30 * 24 * 60 * 60 * 1000,
  usageFlushMs: 10_000,
};

/** Merges overrides over the defaults, refusing values that would make the server misbehave. */
export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!(name in DEFAULT_SERVER_LIMITS)) throw new TypeError(`limits.${name} is not a known limit`);
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return limits;
}
