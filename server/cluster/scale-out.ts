/**
 * What differs between one process and several (SPEC §5): how events reach the viewers, where the abuse limits are
 * counted, what "live" and presence add up. One process: all in memory. With REDIS_URL: the fan-out goes through
 * Redis pub/sub, the limits, the live counts and the viewers of each room live in Redis, `/readyz` asks Redis too. Keys and channels are prefixed with the
 * database's epoch, so the processes of one deployment share them and another deployment on the same Redis (a
 * staging next to production) never sees them.
 */
import type { AbuseGuard } from '../limits/abuse-guard.js';
import { LocalAbuseGuard } from '../limits/local-abuse-guard.js';
import { RedisAbuseGuard } from '../limits/redis-abuse-guard.js';
import type { ServerLimits } from '../limits/server-limits.js';
import type { Fanout } from '../fanout/fanout.js';
import { LocalFanout } from '../fanout/local-fanout.js';
import { RedisFanout } from '../fanout/redis-fanout.js';
import { LocalLiveStats, type LiveStats } from '../observability/live-stats.js';
import type { Logger } from '../observability/logger.js';
import type { ReadinessProbe } from '../observability/readiness.js';
import { Presence } from '../presence/presence.js';
import { ClusterLiveStats } from './cluster-live-stats.js';
import { ProcessRegistry } from './process-registry.js';
import { RedisPresenceExchange } from './redis-presence.js';
import { connectRedis } from './redis-links.js';

export interface ScaleOut {
  fanout: Fanout;
  guard: AbuseGuard;
  /** This process's connections and rooms (the connection log keeps it in step). */
  localLive: LocalLiveStats;
  /** What the usage endpoint reports as live: this process's, or every process's. */
  live: LiveStats;
  /** Who views each room (on every process). */
  presence: Presence;
  readiness: ReadinessProbe[];
  /** Usage counters are shared through the database: report what is stored, the same on every process. */
  sharedUsage: boolean;
  /** Publishes that failed (Redis away); the events were sent again or come from the log. */
  publishFailures(): number;
  close(): Promise<void>;
}

export interface ScaleOutOptions {
  redisUrl?: string;
  epoch: string;
  limits: ServerLimits;
  logger: Logger;
}

export async function scaleOut({ redisUrl, epoch, limits, logger }: ScaleOutOptions): Promise<ScaleOut> {
  if (!redisUrl) {
    const fanout = new LocalFanout((err) => logger.error({ err }, 'event listener failed'));
    const localLive = new LocalLiveStats(fanout);
    const presence = new Presence();
    return {
      fanout,
      guard: new LocalAbuseGuard(limits),
      localLive,
      live: localLive,
      presence,
      readiness: [],
      sharedUsage: false,
      publishFailures: () => 0,
      async close() {
        presence.close();
        await fanout.close();
      },
    };
  }
  const prefix = `image-chat:${epoch}:`;
  const links = await connectRedis(redisUrl, `${prefix}${process.pid}`);
  // Redis faults are the operator's to see, but they never fail a client's op: each part falls back or catches up.
  const onError = (err: unknown, what: string) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, `redis: ${what}`);
  const fanout = new RedisFanout({ publisher: links.commands, subscriber: links.subscriber, prefix, onError });
  const localLive = new LocalLiveStats(fanout);
  const processes = new ProcessRegistry(links.commands, prefix, fanout.origin, onError);
  const guard = new RedisAbuseGuard(links.commands, prefix, fanout.origin, limits, onError);
  const live = new ClusterLiveStats(links.commands, prefix, fanout.origin, localLive, onError);
  const presence = new Presence(new RedisPresenceExchange(links.commands, prefix, fanout, processes, onError), (err) => onError(err, 'presence'));
  return {
    fanout,
    guard,
    localLive,
    live,
    presence,
    readiness: [
      {
        name: 'redis',
        async check() {
          if (links.commands.status !== 'ready') throw new Error(`not connected (${links.commands.status})`);
          await links.commands.ping();
        },
      },
    ],
    sharedUsage: true,
    publishFailures: () => fanout.publishFailures,
    async close() {
      presence.close();
      await guard.close();
      await live.close();
      await processes.close();
      await fanout.close();
      await links.close();
    },
  };
}
