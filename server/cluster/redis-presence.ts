/**
 * Presence across processes. Each process keeps its viewers of a room in one field (its id) of the room's presence
 * hash in Redis and, when they change, sends a `presence` signal on the room's channel; the processes watching the
 * room re-read the hash. Fields of processes that are not alive any more (ProcessRegistry) are left out, so the
 * viewers of a process that died leave within seconds; when the set of live processes changes, or the subscriber
 * connection comes back, every room is re-read (and this process's fields are written again).
 */
import type { Redis } from 'ioredis';
import type { RedisFanout } from '../fanout/redis-fanout.js';
import type { PresenceExchange } from '../presence/presence.js';
import type { Viewer } from '../presence/room-viewers.js';
import type { ProcessRegistry } from './process-registry.js';

// A room's hash outlives its last writer by this much (it is rewritten on every change while anyone watches).
const HASH_TTL_MS = 10 * 60_000;

export class RedisPresenceExchange implements PresenceExchange {
  /** This process's part of each room it has viewers in: written again after Redis comes back. */
  private readonly mine = new Map<string, { tenant: string; room: string; viewers: Viewer[] }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly fanout: RedisFanout,
    private readonly processes: ProcessRegistry,
    private readonly onError: (err: unknown, what: string) => void = () => {},
  ) {}

  private key(tenant: string, room: string): string {
    return `${this.prefix}presence:${JSON.stringify([tenant, room])}`;
  }

  share(tenant: string, room: string, viewers: Viewer[]): void {
    const key = this.key(tenant, room);
    if (viewers.length > 0) this.mine.set(key, { tenant, room, viewers });
    else this.mine.delete(key);
    void this.write(tenant, room, viewers).then(() => this.fanout.signal(tenant, room, 'presence'));
  }

  private async write(tenant: string, room: string, viewers: Viewer[]): Promise<void> {
    const key = this.key(tenant, room);
    try {
      const multi = this.redis.multi();
      if (viewers.length > 0) multi.hset(key, this.processes.id, JSON.stringify(viewers)).pexpire(key, HASH_TTL_MS);
      else multi.hdel(key, this.processes.id);
      await multi.exec();
    } catch (err) {
      this.onError(err, 'Redis presence');
    }
  }

  async others(tenant: string, room: string): Promise<Viewer[]> {
    if (this.redis.status !== 'ready') return [];
    const [fields, alive] = await Promise.all([this.redis.hgetall(this.key(tenant, room)), this.processes.alive()]);
    const viewers: Viewer[] = [];
    for (const [process, json] of Object.entries(fields)) {
      if (process === this.processes.id || !alive.has(process)) continue;
      viewers.push(...(JSON.parse(json) as Viewer[]));
    }
    return viewers;
  }

  watch(changed: (tenant?: string, room?: string) => void): void {
    this.fanout.onSignal((tenant, room, kind) => kind === 'presence' && changed(tenant, room));
    this.processes.onChange(() => changed());
    this.fanout.onReconnect(() => {
      for (const { tenant, room, viewers } of this.mine.values()) void this.write(tenant, room, viewers);
      changed();
    });
  }
}
