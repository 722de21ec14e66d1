/**
 * Usage counters per tenant per UTC day (SPEC §3): messages and bytes sent to clients, markers created. Counting
 * happens on every frame, so it stays in memory; the deltas are added to the database every `flushMs` and at close,
 * so the counters survive restarts (at most one flush interval is lost to a crash) and several processes sharing a
 * database add up instead of overwriting each other.
 */
import type { DayUsage, Storage } from '../storage/storage.js';

type Delta = DayUsage & { tenant: string };

export class Usage {
  private pending = new Map<string, Delta>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Starts the periodic flush (unref'd: it never keeps the process alive). */
  start(flushMs: number): void {
    this.timer = setInterval(() => void this.flush().catch(this.onError), flushMs);
    this.timer.unref();
  }

  private today(tenant: string): Delta {
    const day = new Date().toISOString().slice(0, 10);
    const key = `${tenant}\u0000${day}`;
    let delta = this.pending.get(key);
    if (!delta) this.pending.set(key, (delta = { tenant, day, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0 }));
    return delta;
  }

  messageSent(tenant: string, bytes: number): void {
    const delta = this.today(tenant);
    delta.pubSubMessageCount += 1;
    delta.pubSubBandwidth += bytes;
  }

  conversationCreated(tenant: string): void {
    this.today(tenant).conversationCreateCount += 1;
  }

  /** Writes the deltas counted since the last flush. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const deltas = [...this.pending.values()];
    this.pending = new Map();
    await this.storage.addUsage(deltas);
  }

  /** Stops the timer and writes what is left (graceful shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** A tenant's usage per day: what is stored plus what is not flushed yet. */
  async days(tenant: string): Promise<DayUsage[]> {
    const byDay = new Map((await this.storage.usage(tenant)).map((day) => [day.day, { ...day }]));
    for (const delta of this.pending.values()) {
      if (delta.tenant !== tenant) continue;
      const day = byDay.get(delta.day) ?? { day: delta.day, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0 };
      day.pubSubMessageCount += delta.pubSubMessageCount;
      day.pubSubBandwidth += delta.pubSubBandwidth;
      day.conversationCreateCount += delta.conversationCreateCount;
      byDay.set(delta.day, day);
    }
    return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }
}
