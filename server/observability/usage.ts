/**
 * Usage counters per tenant per UTC day (SPEC §3): messages and bytes sent to clients, markers created. Counting is
 * on the fan-out path, so it costs two additions: a connection holds its tenant's `TenantUsage` (looked up once, at
 * hello) and adds to it per frame. Every `flushMs` (and at close) the counts are added to the database under the
 * day of the flush — so at midnight up to one flush interval of traffic lands on the new day — which makes them
 * survive restarts (a crash loses at most one interval) and lets processes sharing a database add up instead of
 * overwriting each other.
 */
import type { DayUsage, Storage } from '../storage/storage.js';

/** One tenant's counts since the last flush. Plain fields: the hot path adds to them directly. */
export class TenantUsage {
  messages = 0;
  bytes = 0;
  conversations = 0;

  constructor(readonly tenant: string) {}

  /** One frame (or SSE write) of `bytes` sent to a client. */
  sent(bytes: number): void {
    this.messages += 1;
    this.bytes += bytes;
  }
}

const today = () => new Date().toISOString().slice(0, 10);

export class Usage {
  private readonly counters = new Map<string, TenantUsage>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly onError: (err: unknown) => void = () => {},
    /**
     * `shared`: several processes count into one database. `days()` then reports what is stored — the same answer on
     * every process, at most one flush interval behind — rather than adding this process's unflushed counts.
     */
    private readonly options: { shared?: boolean } = {},
  ) {}

  /** Starts the periodic flush (unref'd: it never keeps the process alive). */
  start(flushMs: number): void {
    this.timer = setInterval(() => void this.flush().catch(this.onError), flushMs);
    this.timer.unref();
  }

  /** The tenant's counters, made on first use; hold on to them rather than asking per message. */
  tenant(id: string): TenantUsage {
    let counters = this.counters.get(id);
    if (!counters) this.counters.set(id, (counters = new TenantUsage(id)));
    return counters;
  }

  conversationCreated(tenant: string): void {
    this.tenant(tenant).conversations += 1;
  }

  /** The counts not written yet, as today's deltas, taking them out of the counters. */
  private takeDeltas(): Array<DayUsage & { tenant: string }> {
    const day = today();
    const deltas: Array<DayUsage & { tenant: string }> = [];
    for (const c of this.counters.values()) {
      if (c.messages === 0 && c.bytes === 0 && c.conversations === 0) continue;
      deltas.push({ tenant: c.tenant, day, pubSubMessageCount: c.messages, pubSubBandwidth: c.bytes, conversationCreateCount: c.conversations });
      c.messages = c.bytes = c.conversations = 0;
    }
    return deltas;
  }

  /** Writes the counts made since the last flush. */
  async flush(): Promise<void> {
    const deltas = this.takeDeltas();
    if (deltas.length > 0) await this.storage.addUsage(deltas);
  }

  /** Stops the timer and writes what is left (graceful shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** A tenant's usage per day: what is stored plus what is not flushed yet (counted as today's). */
  async days(tenant: string): Promise<DayUsage[]> {
    const days = (await this.storage.usage(tenant)).map((day) => ({ ...day }));
    const c = this.options.shared ? undefined : this.counters.get(tenant);
    if (c && (c.messages || c.bytes || c.conversations)) {
      const day = today();
      let entry = days.find((d) => d.day === day);
      if (!entry) days.push((entry = { day, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0 }));
      entry.pubSubMessageCount += c.messages;
      entry.pubSubBandwidth += c.bytes;
      entry.conversationCreateCount += c.conversations;
    }
    return days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  }
}
