/**
 * Limits on what a client controls, shared so that the element can refuse early what the server would refuse
 * anyway (with the same numbers). The server's copies are configurable; these are the defaults.
 */
export const LIMITS = {
  /** Largest WebSocket frame or HTTP body, in bytes. Larger frames close the socket with 1009; bodies get 413. */
  maxFrameBytes: 64 * 1024,
  /** Comment text length after trimming, in characters. */
  minCommentLength: 1,
  maxCommentLength: 2000,
  /** Room key length, in characters. */
  maxRoomLength: 256,
  maxTenantLength: 64,
  /** Markers a room may hold, and comments a marker may hold. */
  maxMarkersPerRoom: 1000,
  maxCommentsPerMarker: 500,
  /** Longest user display name kept from a token. */
  maxNameLength: 80,
  /** A connection must say hello within this time. */
  helloTimeoutMs: 5000,
  /** The server sends `ping` at least this often on every transport. */
  pingIntervalMs: 15_000,
  /** Events retained per room for resync; older ones are trimmed (a client further behind gets a snapshot). */
  eventLogRetention: 10_000,
  /** How long an op's idempotency key (its broadcastId) is remembered. */
  idempotencyTtlMs: 24 * 60 * 60 * 1000,
  /** Rooms one connection may subscribe to at once. */
  maxSubscriptionsPerConnection: 100,
} as const;

export type Limits = typeof LIMITS;

/** UUIDs of any version, the id format the protocol requires for client-generated ids. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
