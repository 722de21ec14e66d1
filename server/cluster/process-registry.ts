/**
 * The processes of one deployment, as Redis knows them: each process keeps a key `alive:<id>` with a short expiry
 * alive by a heartbeat, and its id in the set `processes`. What a process shares in Redis under its id (its
 * connection counts, its live counts, its viewers) counts only while it is alive, so a process that dies without
 * a word stops counting within ALIVE_MS.
 */
import type { Redis } from 'ioredis';

/** How long a process counts as alive after its last heartbeat. */
export const ALIVE_MS = 15_000;
const HEARTBEAT_MS = 5_000;
// How long the set of live processes is reused before it is read again.
const ALIVE_CACHE_MS = 2_000;

export class ProcessRegistry {
  private readonly timer: NodeJS.Timeout;
  private cached: { at: number; alive: Set<string> } | undefined;
  private readonly changeHandlers: Array<() => void> = [];

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** This process. */
    readonly id: string,
    private readonly onError: (err: unknown, what: string) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    redis.on('ready', () => void this.beat());
    void this.beat();
  }

  private async beat(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    try {
      await this.redis.multi().set(`${this.prefix}alive:${this.id}`, '1', 'PX', ALIVE_MS).sadd(`${this.prefix}processes`, this.id).exec();
      // Whoever watches the others: notice one that came or went.
      if (this.changeHandlers.length > 0) await this.alive(true);
    } catch (err) {
      this.onError(err, 'Redis heartbeat');
    }
  }

  /** The processes alive now, this one included (read at most every ALIVE_CACHE_MS unless `fresh`). */
  async alive(fresh = false): Promise<Set<string>> {
    if (!fresh && this.cached && Date.now() - this.cached.at < ALIVE_CACHE_MS) return this.cached.alive;
    const members = await this.redis.smembers(`${this.prefix}processes`);
    const exists = members.length ? await this.redis.multi(members.map((p) => ['exists', `${this.prefix}alive:${p}`])).exec() : [];
    const alive = new Set(members.filter((_, i) => exists?.[i]?.[1] === 1));
    alive.add(this.id);
    const before = this.cached?.alive;
    this.cached = { at: Date.now(), alive };
    if (before && (before.size !== alive.size || [...alive].some((p) => !before.has(p)))) for (const handler of this.changeHandlers) handler();
    return alive;
  }

  /** Calls `handler` when a process joins or leaves (dies), noticed within a heartbeat or two. */
  onChange(handler: () => void): void {
    this.changeHandlers.push(handler);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    if (this.redis.status !== 'ready') return;
    await this.redis
      .multi()
      .del(`${this.prefix}alive:${this.id}`)
      .srem(`${this.prefix}processes`, this.id)
      .exec()
      .catch((err: unknown) => this.onError(err, 'Redis heartbeat'));
  }
}
