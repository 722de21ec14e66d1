/**
 * The abuse limits of one process, in memory: token buckets per user and per IP, guest creation per IP, open
 * connections per IP. Synchronous: an op over its limit throws at once.
 */
import { ProtocolError } from '../errors.js';
import type { AbuseGuard } from './abuse-guard.js';
import type { ServerLimits } from './server-limits.js';
import { BucketMap } from './token-bucket.js';

export const TOO_MANY_OPS = 'too many changes; slow down';
export const TOO_MANY_OPS_FROM_ADDRESS = 'too many changes from this address; slow down';
export const TOO_MANY_GUESTS = 'too many new guests from this address; try again later';

export class LocalAbuseGuard implements AbuseGuard {
  private readonly userOps: BucketMap;
  private readonly ipOps: BucketMap;
  private readonly guests: BucketMap;
  private readonly connections = new Map<string, number>();

  constructor(private readonly limits: ServerLimits) {
    this.userOps = new BucketMap(limits.opBurst, limits.opsPerSecond);
    this.ipOps = new BucketMap(limits.ipOpBurst, limits.ipOpsPerSecond);
    this.guests = new BucketMap(limits.guestBurst, limits.guestsPerMinute / 60);
  }

  /** Takes one op from the user's and the address's buckets, or throws ProtocolError rate-limited. */
  takeOp(tenant: string, userId: string, ip: string): void {
    // The user's bucket first: one user's flood must not drain the address's bucket that colleagues share.
    if (!this.userOps.take(`${tenant}\u0000${userId}`)) throw new ProtocolError('rate-limited', TOO_MANY_OPS);
    if (!this.ipOps.take(ip)) throw new ProtocolError('rate-limited', TOO_MANY_OPS_FROM_ADDRESS);
  }

  /** Takes one guest creation for the address, or throws ProtocolError rate-limited. */
  takeGuest(ip: string): void {
    if (!this.guests.take(ip)) throw new ProtocolError('rate-limited', TOO_MANY_GUESTS);
  }

  /** Counts a new connection from `ip`; returns false (and counts nothing) when the address is at its limit. */
  openConnection(ip: string): boolean {
    const open = this.connections.get(ip) ?? 0;
    if (open >= this.limits.maxConnectionsPerIp) return false;
    this.connections.set(ip, open + 1);
    return true;
  }

  closeConnection(ip: string): void {
    const open = (this.connections.get(ip) ?? 1) - 1;
    if (open <= 0) this.connections.delete(ip);
    else this.connections.set(ip, open);
  }
}

