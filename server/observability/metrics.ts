import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommitStats } from '../storage/storage.js';

export type Transport = 'websocket' | 'sse';

/** What one transport sent, counted in plain fields on the fan-out path and read by the counters at scrape time. */
export class SentCounts {
  events = 0;
  bytes = 0;
}

const TRANSPORTS: readonly Transport[] = ['websocket', 'sse'];

/** The server's Prometheus metrics, in a registry of its own so that several servers can share a process (tests). */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'image_chat_connections',
    help: 'Open client connections, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly subscriptions = new Gauge({
    name: 'image_chat_subscribed_rooms',
    help: 'Room subscriptions held by open connections',
    registers: [this.registry],
  });
  readonly ops = new Counter({
    name: 'image_chat_ops_total',
    help: 'Ops received, by type and outcome (ok, duplicate, or the error code)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  /** Hot-path counts, per transport: add to these (no label lookup per frame); scrapes read them. */
  readonly sent: Record<Transport, SentCounts> = { websocket: new SentCounts(), sse: new SentCounts() };
  readonly eventsSent = sentCounter(this, 'image_chat_events_sent_total', 'Room events sent to clients, by transport', 'events');
  readonly slowConsumers = new Counter({
    name: 'image_chat_slow_consumers_total',
    help: 'Connections closed because their unsent data passed the bound, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'image_chat_refused_total',
    help: 'Connections and requests refused by an abuse limit, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly bytesSent = sentCounter(this, 'image_chat_bytes_sent_total', 'Bytes of protocol messages sent to clients, by transport', 'bytes');

  /** Read at scrape time (from the fan-out, the storage) rather than kept in step by hand. */
  constructor(sources: MetricSources = {}) {
    const { activeRooms = () => 0, commits = () => ({ groups: 0, ops: 0 }), publishFailures = () => 0 } = sources;
    new Counter({
      name: 'image_chat_fanout_publish_failures_total',
      help: 'Redis publishes that failed (sent again when Redis is back; other processes also catch up from the log)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(publishFailures());
      },
    });
    new Gauge({
      name: 'image_chat_active_rooms',
      help: 'Rooms with at least one subscriber in this process',
      registers: [this.registry],
      collect() {
        this.set(activeRooms());
      },
    });
    new Counter({
      name: 'image_chat_commit_groups_total',
      help: 'Transactions that committed ops (group commit: ops per group = committed ops / groups)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(commits().groups);
      },
    });
    new Counter({
      name: 'image_chat_committed_ops_total',
      help: 'Ops written by those transactions (duplicates and refusals not counted)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(commits().ops);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'image_chat_' });
  }
}

export interface MetricSources {
  activeRooms?: () => number;
  commits?: () => CommitStats;
  publishFailures?: () => number;
}

/** A counter by transport whose values are the `sent` counts at scrape time. */
function sentCounter(metrics: Metrics, name: string, help: string, field: keyof SentCounts): Counter<'transport'> {
  return new Counter({
    name,
    help,
    labelNames: ['transport'] as const,
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const transport of TRANSPORTS) this.inc({ transport }, metrics.sent[transport][field]);
    },
  });
}
