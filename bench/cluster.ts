/**
 * `npm run bench:cluster`: image-chat as several processes on one PostgreSQL database and one Redis (SPEC §5),
 * each `server/main.ts` as an operator runs it, with the per-user and per-address limits lifted. For 1, 2 and 3
 * processes on a fresh database each:
 *   - throughput: writers spread over the processes keep a few ops in flight each for `--seconds`; viewers spread
 *     over the processes watch the rooms. Acked ops per second, delivered events per second, and every
 *     (viewer, event) pair checked: nothing lost, doubled or out of order.
 *   - a Redis cut (2+ processes): every process's subscriber connection killed (CLIENT KILL) while a writer goes on;
 *     the time from the cut until every viewer has every event.
 *   - a crash (2+ processes): the last process SIGKILLed; its viewers reconnect to another with their seq, as the
 *     element does; the time from the kill until each is caught up (replay complete).
 * Needs PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres, to create the databases)
 * and Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379). On this 2-core machine the processes, PostgreSQL,
 * Redis and the clients share two cores: more processes add coordination, not cores.
 *
 *   npm run bench:cluster -- [--processes 1,2,3] [--seconds 8] [--writers 24] [--viewers 240] [--rooms 8]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import WebSocket from 'ws';
import { killClients } from '../server/test/support/redis.js';
import { startMain, type MainProcess } from '../server/test/support/main-process.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const PROCESS_COUNTS = (flag('processes') ?? '1,2,3').split(',').map(Number);
const SECONDS = Number(flag('seconds') ?? 8);
const WRITERS = Number(flag('writers') ?? 24);
const VIEWERS = Number(flag('viewers') ?? 240);
const ROOMS = Number(flag('rooms') ?? 8);
const WINDOW = 4;
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HUGE = 1_000_000_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const wsUrl = (main: MainProcess) => `${main.url.replace(/^http/, 'ws')}/ws`;

interface Event {
  type: string;
  room: string;
  seq: number;
}

/** A protocol client: hello as a guest (or with `token`), then what the bench asks. */
class Client {
  token = '';
  epoch = '';
  onMessage: (message: { type: string; [key: string]: unknown }) => void = () => {};
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('error', () => {});
  }

  static async open(main: MainProcess, token?: string): Promise<Client> {
    const ws = new WebSocket(wsUrl(main), { perMessageDeflate: false });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const client = new Client(ws);
    await new Promise<void>((welcomed) => {
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string; guestToken?: string };
        if (message.type === 'welcome') {
          client.token = message.guestToken ?? token ?? '';
          welcomed();
        } else client.onMessage(message);
      });
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, tenant: 'demo', ...(token ? { token } : {}) }));
    });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }
}

/** A viewer of one room: counts its events and checks they come once each, in seq order. */
class Viewer {
  seq = 0;
  delivered = 0;
  faults = 0;
  caughtUp: (() => void) | null = null;
  target = Infinity;
  private opened: (() => void) | null = null;

  constructor(
    public client: Client,
    readonly room: string,
  ) {
    this.listen();
  }

  listen(): void {
    this.client.onMessage = (message) => {
      if (message.type === 'batch') for (const event of message.events as Event[]) this.take(event);
      else if (message.type === 'new-image-chat') this.take(message as unknown as Event);
      else if ((message.type === 'snapshot' || message.type === 'subscribed') && message.room === this.room) {
        this.client.epoch = message.epoch as string;
        if (message.type === 'snapshot') this.seq = message.seq as number;
        this.target = message.seq as number;
        this.opened?.();
        this.check();
      }
    };
  }

  /** Resolves at the room's opening (`snapshot`, or `subscribed` before a replay). */
  subscribe(since?: number): Promise<void> {
    this.client.send({ type: 'subscribe', room: this.room, ...(since !== undefined ? { epoch: this.client.epoch, since } : {}) });
    return new Promise((resolve) => (this.opened = resolve));
  }

  private take(event: Event): void {
    if (event.room !== this.room) return;
    if (event.seq !== this.seq + 1) this.faults++;
    this.seq = Math.max(this.seq, event.seq);
    this.delivered++;
    this.check();
  }

  private check(): void {
    if (this.caughtUp && this.seq >= this.target) {
      const done = this.caughtUp;
      this.caughtUp = null;
      done();
    }
  }

  /** Resolves once the viewer has every event up to `seq`. */
  until(seq: number): Promise<void> {
    this.target = seq;
    return new Promise((resolve) => {
      this.caughtUp = resolve;
      this.check();
    });
  }
}

/** A writer keeping WINDOW create-marker ops in flight on random rooms while `running`. */
class Writer {
  acks = 0;
  errors = 0;
  running = true;
  /** The highest acked seq per room. */
  readonly seqs = new Map<string, number>();
  private readonly pending = new Map<string, string>();

  constructor(private readonly client: Client) {
    client.onMessage = (message) => {
      if (message.type !== 'ack' && message.type !== 'error') return;
      const room = this.pending.get(message.broadcastId as string);
      if (room === undefined) return;
      this.pending.delete(message.broadcastId as string);
      if (message.type === 'ack') {
        this.acks++;
        this.seqs.set(room, Math.max(this.seqs.get(room) ?? 0, message.seq as number));
      } else this.errors++;
      if (this.running) this.sendOne();
    };
  }

  start(): void {
    for (let i = 0; i < WINDOW; i++) this.sendOne();
  }

  sendOne(room = `room-${Math.floor(Math.random() * ROOMS)}`): void {
    const broadcastId = randomUUID();
    this.pending.set(broadcastId, room);
    this.client.send({ type: 'create-marker', room, broadcastId, marker: { id: randomUUID(), x: Math.random() * 100, y: Math.random() * 100 }, comment: { id: randomUUID(), text: 'bench' } });
  }

  get inFlight(): number {
    return this.pending.size;
  }
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `image_chat_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

interface Result {
  processes: number;
  opsPerSecond: number;
  deliveriesPerSecond: number;
  faults: number;
  redisCutMs?: number;
  killCatchUpMs?: { median: number; max: number; viewers: number };
}

async function measure(count: number, databaseUrl: string): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-cluster-'));
  const limits = { opBurst: HUGE, opsPerSecond: HUGE, ipOpBurst: HUGE, ipOpsPerSecond: HUGE, maxConnectionsPerIp: HUGE, guestBurst: HUGE, guestsPerMinute: HUGE, maxMarkersPerRoom: HUGE };
  writeFileSync(join(dir, 'tenants.json'), JSON.stringify({ tenants: [{ id: 'demo', guests: true, origins: ['*'] }], limits }));
  const env = { DATABASE_URL: databaseUrl, REDIS_URL: REDIS_URL, LOG_LEVEL: 'error', IMAGE_CHAT_CONFIG: join(dir, 'tenants.json'), DATA_DIR: join(dir, 'unused') };
  const processes: MainProcess[] = [];
  try {
    processes.push(...(await Promise.all(Array.from({ length: count }, () => startMain(env)))));
    const viewers: Viewer[] = [];
    for (let i = 0; i < VIEWERS; i++) viewers.push(new Viewer(await Client.open(processes[i % count]!), `room-${i % ROOMS}`));
    await Promise.all(viewers.map((v) => v.subscribe()));
    const writers: Writer[] = [];
    for (let i = 0; i < WRITERS; i++) writers.push(new Writer(await Client.open(processes[i % count]!)));

    // Throughput.
    const started = performance.now();
    for (const writer of writers) writer.start();
    await sleep(SECONDS * 1000);
    for (const writer of writers) writer.running = false;
    while (writers.some((w) => w.inFlight)) await sleep(10);
    const acked = writers.reduce((sum, w) => sum + w.acks, 0);
    const refused = writers.reduce((sum, w) => sum + w.errors, 0);
    if (refused) console.warn(`${refused} ops refused (limits?)`);
    const opsSeconds = (performance.now() - started) / 1000;
    const finalSeq = (room: string) => Math.max(0, ...writers.map((w) => w.seqs.get(room) ?? 0));
    await Promise.all(viewers.map((v) => v.until(finalSeq(v.room))));
    const deliveredSeconds = (performance.now() - started) / 1000;
    const deliveredSoFar = () => viewers.reduce((sum, v) => sum + v.delivered, 0);
    const expectedSoFar = () => viewers.reduce((sum, v) => sum + finalSeq(v.room), 0);
    const delivered = deliveredSoFar();
    const viewerFaults = () => viewers.reduce((sum, v) => sum + v.faults, 0);
    const result: Result = {
      processes: count,
      opsPerSecond: acked / opsSeconds,
      deliveriesPerSecond: delivered / deliveredSeconds,
      // An event missing, doubled or out of order anywhere (the deliveries must be exactly the events × viewers).
      faults: viewerFaults() + Math.abs(delivered - expectedSoFar()),
    };
    if (count < 2) return result;

    // A Redis cut: every subscriber connection killed, one op right after it and nothing more.
    const epoch = viewers[0]!.client.epoch;
    const writer = writers[0]!;
    writer.running = false;
    const cutAt = performance.now();
    await killClients(`image-chat:${epoch}:`, 'pubsub');
    for (let r = 0; r < ROOMS; r++) writer.sendOne(`room-${r}`);
    while (writer.inFlight) await sleep(5);
    await Promise.all(viewers.map((v) => v.until(finalSeq(v.room))));
    result.redisCutMs = performance.now() - cutAt;

    // A crash: the last process SIGKILLed; its viewers reconnect to the first with their seq.
    const doomed = processes[count - 1]!;
    const orphans = viewers.filter((_, i) => i % count === count - 1);
    for (let r = 0; r < ROOMS; r++) writer.sendOne(`room-${r}`); // something to catch up on
    while (writer.inFlight) await sleep(5);
    const killedAt = performance.now();
    doomed.kill('SIGKILL');
    const times = await Promise.all(
      orphans.map(async (viewer) => {
        await viewer.client.closed;
        viewer.client = await Client.open(processes[0]!, viewer.client.token);
        viewer.listen();
        const caughtUp = viewer.until(Infinity);
        await viewer.subscribe(viewer.seq); // `subscribed` sets the target: the room's seq now
        await caughtUp;
        return performance.now() - killedAt;
      }),
    );
    processes.pop();
    times.sort((a, b) => a - b);
    result.killCatchUpMs = { median: times[Math.floor(times.length / 2)]!, max: times.at(-1)!, viewers: times.length };
    result.faults = viewerFaults() + Math.abs(deliveredSoFar() - expectedSoFar()); // the cut and the crash included
    return result;
  } finally {
    await Promise.all(processes.map((p) => p.stop().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const count of PROCESS_COUNTS) {
  const result = await withDatabase((url) => measure(count, url));
  results.push(result);
  console.log(
    `${count} process${count > 1 ? 'es' : ''}: ${result.opsPerSecond.toFixed(0)} ops/s, ${result.deliveriesPerSecond.toFixed(0)} deliveries/s, faults ${result.faults}` +
      (result.redisCutMs !== undefined ? `, Redis cut → whole ${result.redisCutMs.toFixed(0)} ms` : '') +
      (result.killCatchUpMs ? `, SIGKILL → caught up median ${result.killCatchUpMs.median.toFixed(0)} ms, max ${result.killCatchUpMs.max.toFixed(0)} ms (${result.killCatchUpMs.viewers} viewers)` : ''),
  );
}
console.log(`\n${WRITERS} writers (window ${WINDOW}), ${VIEWERS} viewers over ${ROOMS} rooms, ${SECONDS} s, on ${(await import('node:os')).availableParallelism()} cores`);
console.log('| processes | ops/s | deliveries/s | faults | Redis cut → whole | SIGKILL → caught up (median / max) |');
console.log('|---|---|---|---|---|---|');
for (const r of results) {
  console.log(
    `| ${r.processes} | ${r.opsPerSecond.toFixed(0)} | ${r.deliveriesPerSecond.toFixed(0)} | ${r.faults} | ${r.redisCutMs !== undefined ? `${r.redisCutMs.toFixed(0)} ms` : '—'} | ${r.killCatchUpMs ? `${r.killCatchUpMs.median.toFixed(0)} / ${r.killCatchUpMs.max.toFixed(0)} ms` : '—'} |`,
  );
}
