/**
 * The per-user and per-address limits shared by every transport: op rates (token buckets per user and per IP),
 * guest creation per IP, and open connections per IP. One guard per server, so a user's WebSocket ops and REST ops
 * draw from the same bucket, and a client cannot escape a limit by switching transport or reconnecting. With one
 * process the guard lives in memory (local-abuse-guard.ts, synchronous); with several it lives in Redis
 * (redis-abuse-guard.ts), so that N processes do not multiply the limits — and its answers are promises.
 */
export interface AbuseGuard {
  /** Takes one op from the user's and the address's buckets; over either, throws (or rejects with) rate-limited. */
  takeOp(tenant: string, userId: string, ip: string): void | Promise<void>;
  /** Takes one guest creation for the address; over its limit, throws (or rejects with) rate-limited. */
  takeGuest(ip: string): void | Promise<void>;
  /** Counts a new connection from `ip`; false (and nothing counted) when the address is at its limit. */
  openConnection(ip: string): boolean | Promise<boolean>;
  closeConnection(ip: string): void;
  close?(): Promise<void>;
}
