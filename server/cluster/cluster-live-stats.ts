/**
 * Live counts summed over every process (the usage answer's `live`). Each process writes what it holds — per tenant,
 * its connections and the names of its open rooms — into a Redis hash of its own every few seconds, with an expiry
 * so that a process that died stops counting; a reader adds the connections up and counts the union of rooms, so
 * that a room open on two processes counts once. Its own process's part is read fresh rather than from Redis.
 */
import type { Redis } from 'ioredis';
import type { LiveCounts, LiveStats, LocalLiveStats } from '../observability/live-stats.js';

const PUBLISH_EVERY_MS = 2000;
const EXPIRES_MS = 3 * PUBLISH_EVERY_MS;

export class ClusterLiveStats implements LiveStats {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly process: string,
    private readonly local: LocalLiveStats,
    private readonly onError: (err: unknown, what: string) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.publish(), PUBLISH_EVERY_MS);
    this.timer.unref();
    void this.publish();
  }

  private key(process: string): string {
    return `${this.prefix}live:${process}`;
  }

  private async publish(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const mine = this.local.all();
    const key = this.key(this.process);
    try {
      const multi = this.redis.multi().del(key);
      if (mine.size > 0) multi.hset(key, Object.fromEntries([...mine].map(([tenant, live]) => [tenant, JSON.stringify(live)])));
      await multi.pexpire(key, EXPIRES_MS).exec();
    } catch (err) {
      this.onError(err, 'Redis live counts');
    }
  }

  async of(tenant: string): Promise<LiveCounts> {
    const mine = this.local.all().get(tenant) ?? { connections: 0, rooms: [] };
    let connections = mine.connections;
    const rooms = new Set(mine.rooms);
    if (this.redis.status === 'ready') {
      const processes = (await this.redis.smembers(`${this.prefix}processes`)).filter((p) => p !== this.process);
      const parts = await Promise.all(processes.map((p) => this.redis.hget(this.key(p), tenant)));
      for (const part of parts) {
        if (!part) continue;
        const live = JSON.parse(part) as { connections: number; rooms: string[] };
        connections += live.connections;
        for (const room of live.rooms) rooms.add(room);
      }
    }
    return { connections, rooms: rooms.size };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status === 'ready') await this.redis.del(this.key(this.process)).catch(() => {});
  }
}
