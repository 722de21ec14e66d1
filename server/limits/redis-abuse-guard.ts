/**
 * The abuse limits shared by every process (SPEC §5: one set of limits per user and per address), in Redis. Op and
 * guest buckets are token buckets kept in Redis hashes and taken by one Lua script each — atomic, and on Redis's
 * clock, so the processes' clocks need not agree. Open connections are counted per process (a hash per process,
 * kept while its heartbeat key lives), so the connections of a process that died stop counting within seconds.
 *
 * When Redis cannot be reached the guard falls back to this process's own limits (local-abuse-guard.ts) rather
 * than refuse everyone, and when Redis is back it writes this process's connection counts there again.
 */
import type { Redis } from 'ioredis';
import { ProtocolError } from '../errors.js';
import type { AbuseGuard } from './abuse-guard.js';
import { LocalAbuseGuard, TOO_MANY_GUESTS, TOO_MANY_OPS, TOO_MANY_OPS_FROM_ADDRESS } from './local-abuse-guard.js';
import type { ServerLimits } from './server-limits.js';

// Takes `cost` from each bucket in order, stopping at the first that is short: returns 0 when all had enough, else
// the (1-based) index of the bucket that refused. ARGV: cost, then capacity and refill per ms for each key.
const TAKE = `
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local cost = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[i * 2])
  local rate = tonumber(ARGV[i * 2 + 1])
  local state = redis.call('HMGET', key, 't', 'at')
  local tokens = tonumber(state[1]) or capacity
  local at = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  if tokens < cost then
    redis.call('HSET', key, 't', tostring(tokens), 'at', now)
    redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / rate) + 1000)
    return i
  end
  tokens = tokens - cost
  redis.call('HSET', key, 't', tostring(tokens), 'at', now)
  redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / rate) + 1000)
end
return 0
`;

// Opens a connection from an address if the live processes' counts for it are under the limit.
// KEYS: the set of processes; ARGV: prefix, this process, address, limit. Returns 1 (counted) or 0 (refused).
const OPEN = `
local prefix, me, address, limit = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local open = 0
for _, process in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', prefix .. 'alive:' .. process) == 1 then
    open = open + (tonumber(redis.call('HGET', prefix .. 'conns:' .. process, address)) or 0)
  else
    redis.call('SREM', KEYS[1], process)
    redis.call('DEL', prefix .. 'conns:' .. process)
  end
end
if open >= limit then return 0 end
redis.call('HINCRBY', prefix .. 'conns:' .. me, address, 1)
return 1
`;


type TakeRedis = Redis & { imageChatTake(keys: number, ...args: Array<string | number>): Promise<number> };
type OpenRedis = Redis & { imageChatOpen(keys: number, ...args: Array<string | number>): Promise<number> };

export class RedisAbuseGuard implements AbuseGuard {
  private readonly local: LocalAbuseGuard;
  /** This process's open connections per address: the truth that Redis mirrors. */
  private readonly connections = new Map<string, number>();
  private fallbackNoted = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** This process (its heartbeat is the ProcessRegistry's: its counts stop counting when it dies). */
    private readonly process: string,
    private readonly limits: ServerLimits,
    private readonly onError: (err: unknown, what: string) => void = () => {},
  ) {
    this.local = new LocalAbuseGuard(limits);
    redis.defineCommand('imageChatTake', { lua: TAKE });
    redis.defineCommand('imageChatOpen', { lua: OPEN });
    // After a reconnect, this process's counts in Redis are whatever they were: write the truth again.
    redis.on('ready', () => void this.republish());
    void this.republish();
  }

  private get ready(): boolean {
    return this.redis.status === 'ready';
  }

  private async republish(): Promise<void> {
    if (!this.ready) return;
    const key = `${this.prefix}conns:${this.process}`;
    try {
      const multi = this.redis.multi().del(key);
      if (this.connections.size > 0) multi.hset(key, Object.fromEntries(this.connections));
      await multi.exec();
    } catch (err) {
      this.onError(err, 'Redis connection counts');
    }
  }

  /** Redis is away: this process's own limits, said once per outage in the log. */
  private fallback(err?: unknown): LocalAbuseGuard {
    if (!this.fallbackNoted) {
      this.fallbackNoted = true;
      this.onError(err ?? new Error('Redis is not connected'), 'shared limits unavailable, using this process’s own until Redis is back');
    }
    return this.local;
  }

  private async take(keys: string[], buckets: Array<[number, number]>): Promise<number> {
    const args = [1, ...buckets.flatMap(([capacity, perSecond]) => [capacity, perSecond / 1000])];
    const refused = await (this.redis as TakeRedis).imageChatTake(keys.length, ...keys, ...args);
    this.fallbackNoted = false;
    return refused;
  }

  async takeOp(tenant: string, userId: string, ip: string): Promise<void> {
    if (!this.ready) return this.fallback().takeOp(tenant, userId, ip);
    let refused: number;
    try {
      // The user's bucket first: one user's flood must not drain the address's bucket that colleagues share.
      refused = await this.take(
        [`${this.prefix}ops:user:${JSON.stringify([tenant, userId])}`, `${this.prefix}ops:ip:${ip}`],
        [
          [this.limits.opBurst, this.limits.opsPerSecond],
          [this.limits.ipOpBurst, this.limits.ipOpsPerSecond],
        ],
      );
    } catch (err) {
      return this.fallback(err).takeOp(tenant, userId, ip);
    }
    if (refused === 1) throw new ProtocolError('rate-limited', TOO_MANY_OPS);
    if (refused === 2) throw new ProtocolError('rate-limited', TOO_MANY_OPS_FROM_ADDRESS);
  }

  async takeGuest(ip: string): Promise<void> {
    if (!this.ready) return this.fallback().takeGuest(ip);
    let refused: number;
    try {
      refused = await this.take([`${this.prefix}guests:${ip}`], [[this.limits.guestBurst, this.limits.guestsPerMinute / 60]]);
    } catch (err) {
      return this.fallback(err).takeGuest(ip);
    }
    if (refused) throw new ProtocolError('rate-limited', TOO_MANY_GUESTS);
  }

  async openConnection(ip: string): Promise<boolean> {
    let allowed: boolean;
    if (!this.ready) {
      allowed = this.fallback().openConnection(ip);
    } else {
      try {
        allowed = (await (this.redis as OpenRedis).imageChatOpen(1, `${this.prefix}processes`, this.prefix, this.process, ip, this.limits.maxConnectionsPerIp)) === 1;
      } catch (err) {
        allowed = this.fallback(err).openConnection(ip);
      }
    }
    if (allowed) this.connections.set(ip, (this.connections.get(ip) ?? 0) + 1);
    return allowed;
  }

  closeConnection(ip: string): void {
    const open = (this.connections.get(ip) ?? 1) - 1;
    if (open > 0) this.connections.set(ip, open);
    else this.connections.delete(ip);
    this.local.closeConnection(ip);
    if (!this.ready) return;
    const key = `${this.prefix}conns:${this.process}`;
    const write = open > 0 ? this.redis.hset(key, ip, open) : this.redis.hdel(key, ip);
    write.catch((err: unknown) => this.onError(err, 'Redis connection counts'));
  }

  async close(): Promise<void> {
    if (!this.ready) return;
    await this.redis.del(`${this.prefix}conns:${this.process}`).catch((err: unknown) => this.onError(err, 'Redis connection counts'));
  }
}
