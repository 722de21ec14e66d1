/**
 * The fan-out scenarios: one room, S subscribers, one publisher. Each run starts a fresh server process, connects
 * the subscribers and the publisher, warms up with a few events, then measures the server's CPU time, the
 * deliveries and their latency (publisher send → subscriber receive, one clock: the same process) until every
 * subscriber has every event.
 */
import { performance } from 'node:perf_hooks';
import type { Closeable, Driver } from './drivers.js';
import { Recorder } from './recorder.js';
import { ServerProcess } from './server-process.js';

export interface Kind {
  label: string;
  driver: Driver;
  script: string;
  args?: string[];
  /** Write CPU profiles of this kind's server processes here. */
  profileDir?: string;
}

export type Pattern = { kind: 'burst'; events: number } | { kind: 'rate'; perSecond: number; seconds: number };

export interface FanoutScenario {
  name: string;
  subscribers: number;
  pattern: Pattern;
}

export interface FanoutResult {
  cpuMsPer1000: number;
  deliveriesPerSecond: number;
  p50: number;
  p99: number;
  eventsPerFrame: number;
  /** Deliveries lost, doubled or out of order, summed over subscribers; and ops the server refused. */
  faults: number;
}

const WARMUP_EVENTS = 20;
const CONNECT_IN_PARALLEL = 50;

async function connectAll<T>(count: number, connect: (i: number) => Promise<T>): Promise<T[]> {
  const all: T[] = [];
  for (let i = 0; i < count; i += CONNECT_IN_PARALLEL) {
    const chunk = Array.from({ length: Math.min(CONNECT_IN_PARALLEL, count - i) }, (_, j) => connect(i + j));
    all.push(...(await Promise.all(chunk)));
  }
  return all;
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `pattern`'s events numbered from `first`; resolves when the last one is sent. */
async function publishAll(publish: (seq: number) => void, first: number, pattern: Pattern): Promise<number> {
  if (pattern.kind === 'burst') {
    for (let i = 0; i < pattern.events; i++) publish(first + i);
    return pattern.events;
  }
  // Paced by the clock: as many events as are due by now, so a late timer catches up instead of drifting.
  const total = pattern.perSecond * pattern.seconds;
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * pattern.perSecond) + 1);
    for (; sent < due; sent++) publish(first + sent);
    await sleep(Math.max(0, (sent / pattern.perSecond) * 1000 - (performance.now() - started)));
  }
  return total;
}

export async function runFanout(kind: Kind, scenario: FanoutScenario): Promise<FanoutResult> {
  const server = await ServerProcess.start(kind.script, kind.args, kind.profileDir);
  const closeables: Closeable[] = [];
  try {
    const latencies: number[] = [];
    const measured = WARMUP_EVENTS + 1;
    const recorders = Array.from({ length: scenario.subscribers }, () => new Recorder(1, latencies, () => measured));
    closeables.push(...(await connectAll(recorders.length, (i) => kind.driver.subscriber(server.port, recorders[i]!))));
    const publisher = await kind.driver.publisher(server.port);
    closeables.push(publisher);
    const reached = (seq: number) => () => recorders.every((r) => r.lastSeq >= seq);

    for (let seq = 1; seq <= WARMUP_EVENTS; seq++) publisher.publish(seq);
    await until(reached(WARMUP_EVENTS), 30_000, `${kind.label} warm-up`);
    await sleep(200);
    const framesBefore = recorders.reduce((n, r) => n + r.frames, 0);
    const before = await server.stats();
    const started = performance.now();
    const events = await publishAll((seq) => publisher.publish(seq), measured, scenario.pattern);
    const last = WARMUP_EVENTS + events;
    await until(reached(last), 120_000, `${kind.label} ${scenario.name}: every subscriber at seq ${last}`);
    const elapsed = performance.now() - started;
    const after = await server.stats();

    const deliveries = events * scenario.subscribers;
    const frames = recorders.reduce((n, r) => n + r.frames, 0) - framesBefore;
    const sorted = Float64Array.from(latencies).sort();
    return {
      cpuMsPer1000: (after.cpuMicros - before.cpuMicros) / 1000 / (deliveries / 1000),
      deliveriesPerSecond: deliveries / (elapsed / 1000),
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      eventsPerFrame: deliveries / frames,
      faults: recorders.reduce((n, r) => n + r.lost + r.doubled + r.reordered, 0) + publisher.errors,
    };
  } finally {
    for (const c of closeables) c.close();
    await server.stop();
  }
}

/** Server memory per idle connection (bytes): RSS and JS heap after GC with `connections` subscribers, minus before. */
export async function runIdle(kind: Kind, connections: number): Promise<{ rss: number; heap: number }> {
  const server = await ServerProcess.start(kind.script, kind.args, kind.profileDir);
  const closeables: Closeable[] = [];
  try {
    // One warm-up connection, so that what every server allocates once (its first connection) is not counted.
    closeables.push(await kind.driver.subscriber(server.port, new Recorder(1, [], () => 0)));
    await sleep(200);
    const before = await server.stats(true);
    closeables.push(...(await connectAll(connections, () => kind.driver.subscriber(server.port, new Recorder(1, [], () => 0)))));
    await sleep(1000);
    const after = await server.stats(true);
    return { rss: (after.rss - before.rss) / connections, heap: (after.heap - before.heap) / connections };
  } finally {
    for (const c of closeables) c.close();
    await server.stop();
  }
}
