import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type Transport = 'websocket' | 'sse';

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
  readonly eventsSent = new Counter({
    name: 'image_chat_events_sent_total',
    help: 'Room events sent to clients, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });
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
  readonly bytesSent = new Counter({
    name: 'image_chat_bytes_sent_total',
    help: 'Bytes of protocol messages sent to clients, by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  /** `activeRooms` is read at scrape time (e.g. from the fan-out) rather than kept in step by hand. */
  constructor(activeRooms: () => number = () => 0) {
    new Gauge({
      name: 'image_chat_active_rooms',
      help: 'Rooms with at least one subscriber in this process',
      registers: [this.registry],
      collect() {
        this.set(activeRooms());
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'image_chat_' });
  }
}
