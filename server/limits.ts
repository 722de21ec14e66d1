import { LIMITS } from '../protocol/limits.js';

/**
 * The limits the server enforces: the shared protocol defaults plus server-only bounds. Every one can be overridden
 * through `ServerOptions.limits` (tests use tiny values to reach the edges quickly).
 */
export interface ServerLimits {
  maxFrameBytes: number;
  maxCommentLength: number;
  maxRoomLength: number;
  maxTenantLength: number;
  maxMarkersPerRoom: number;
  maxCommentsPerMarker: number;
  maxNameLength: number;
  helloTimeoutMs: number;
  pingIntervalMs: number;
  eventLogRetention: number;
  idempotencyTtlMs: number;
  maxSubscriptionsPerConnection: number;
  /** A socket whose unsent data exceeds this is a slow consumer and is closed. */
  maxBufferedBytes: number;
  /** Bad frames (and rate-limited ops) tolerated per ping interval before the connection is closed as abusive (4429). */
  maxBadFramesPerInterval: number;
  /** Ops one WebSocket connection may send at once, and per second after that. */
  opBurst: number;
  opsPerSecond: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxFrameBytes: LIMITS.maxFrameBytes,
  maxCommentLength: LIMITS.maxCommentLength,
  maxRoomLength: LIMITS.maxRoomLength,
  maxTenantLength: LIMITS.maxTenantLength,
  maxMarkersPerRoom: LIMITS.maxMarkersPerRoom,
  maxCommentsPerMarker: LIMITS.maxCommentsPerMarker,
  maxNameLength: LIMITS.maxNameLength,
  helloTimeoutMs: LIMITS.helloTimeoutMs,
  pingIntervalMs: LIMITS.pingIntervalMs,
  eventLogRetention: LIMITS.eventLogRetention,
  idempotencyTtlMs: LIMITS.idempotencyTtlMs,
  maxSubscriptionsPerConnection: LIMITS.maxSubscriptionsPerConnection,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxBadFramesPerInterval: 50,
  opBurst: 200,
  opsPerSecond: 50,
};

/** Merges overrides over the defaults, refusing values that would make the server misbehave. */
export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return limits;
}
