/**
 * `npm run bench:ops`: commits per second on one server process with 50 writers over 20 rooms, each writer keeping
 * a few ops in flight (create-marker, add-comment and move-marker on its own markers). The server runs in a child
 * process pinned to one core (bench/fanout/server-process.ts), with the per-user limits lifted. Prints acked ops
 * per second, the server's CPU time per op and, where the server reports it, ops per commit group.
 *
 *   npm run bench:ops -- [--rounds 3] [--seconds 5] [--before <checkout>] [--profile <dir>] [--postgres]
 *
 * `--before` measures another checkout of image-chat too (e.g. the commit before group commit), in the same
 * rounds, alternating. `--postgres` runs each server on a fresh PostgreSQL database instead of SQLite (made on the
 * server TEST_DATABASE_URL names, default postgres://postgres@127.0.0.1:5432/postgres, and dropped after the run);
 * the CPU per op is then the image-chat process's only, not PostgreSQL's. Numbers only.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { freshDatabase } from '../server/test/support/postgres.js';
import { pinSelf, ServerProcess } from './fanout/server-process.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const ROUNDS = Number(flag('rounds') ?? 3);
const SECONDS = Number(flag('seconds') ?? 5);
const BEFORE = flag('before');
const PROFILE = flag('profile'); // CPU profiles of the image-chat (not `before`) server processes
const POSTGRES = process.argv.includes('--postgres');
const WRITERS = 50;
const ROOMS = 20;
const WINDOW = 8;

interface Target {
  label: string;
  args: string[];
}

const targets: Target[] = [{ label: 'image-chat', args: [] }, ...(BEFORE ? [{ label: 'before', args: ['--repo', BEFORE] }] : [])];

/** One writer: hello as a guest, then keeps WINDOW ops in flight on its room, counting acks. */
class Writer {
  acks = 0;
  errors = 0;
  private readonly markers: string[] = [];
  private sent = 0;
  running = true;

  private constructor(
    private readonly ws: WebSocket,
    private readonly room: string,
  ) {}

  static async open(port: number, room: string): Promise<Writer> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const writer = new Writer(ws, room);
    await new Promise<void>((welcomed) => {
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string; code?: string };
        if (message.type === 'welcome') return welcomed();
        if (message.type === 'ack') writer.acks++;
        else if (message.type === 'error') writer.errors++;
        else return;
        if (writer.running) writer.sendOne();
      });
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, tenant: 'demo' }));
    });
    return writer;
  }

  start(): void {
    for (let i = 0; i < WINDOW; i++) this.sendOne();
  }

  private sendOne(): void {
    const n = this.sent++;
    const base = { room: this.room, broadcastId: randomUUID() };
    let op: object;
    if (this.markers.length === 0 || n % 10 < 6) {
      const id = randomUUID();
      this.markers.push(id);
      op = { type: 'create-marker', ...base, marker: { id, x: n % 100, y: 50 }, comment: { id: randomUUID(), text: `marker ${n}` } };
    } else {
      const markerId = this.markers[n % this.markers.length]!;
      op = n % 10 < 9 ? { type: 'add-comment', ...base, markerId, comment: { id: randomUUID(), text: `reply ${n}` } } : { type: 'move-marker', ...base, markerId, x: n % 100, y: 40 };
    }
    this.ws.send(JSON.stringify(op));
  }

  close(): void {
    this.running = false;
    this.ws.close();
  }
}

async function groupStats(port: number): Promise<{ groups: number; ops: number } | null> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => /^(\S+) (\S+)$/m.exec(text.split('\n').filter((l) => l.startsWith(`${name} `)).join('\n'))?.[2];
  const groups = value('image_chat_commit_groups_total');
  const ops = value('image_chat_committed_ops_total');
  return groups && ops ? { groups: Number(groups), ops: Number(ops) } : null;
}

async function runOnce(target: Target): Promise<{ opsPerSecond: number; cpuMicrosPerOp: number; opsPerGroup: number | null; errors: number }> {
  const database = POSTGRES ? await freshDatabase() : undefined;
  const args = database ? [...target.args, '--database-url', database.url] : target.args;
  const server = await ServerProcess.start('image-chat.ts', args, target.label === 'image-chat' ? PROFILE : undefined);
  const writers: Writer[] = [];
  try {
    for (let i = 0; i < WRITERS; i++) writers.push(await Writer.open(server.port, `ops-room-${i % ROOMS}`));
    for (const writer of writers) writer.start();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // warm-up
    const acks = () => writers.reduce((n, w) => n + w.acks, 0);
    const groupsBefore = await groupStats(server.port);
    const before = await server.stats();
    const acksBefore = acks();
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const done = acks() - acksBefore;
    const elapsed = (performance.now() - started) / 1000;
    const after = await server.stats();
    const groupsAfter = await groupStats(server.port);
    for (const writer of writers) writer.running = false;
    const opsPerGroup = groupsBefore && groupsAfter ? (groupsAfter.ops - groupsBefore.ops) / Math.max(1, groupsAfter.groups - groupsBefore.groups) : null;
    return { opsPerSecond: done / elapsed, cpuMicrosPerOp: (after.cpuMicros - before.cpuMicros) / done, opsPerGroup, errors: writers.reduce((n, w) => n + w.errors, 0) };
  } finally {
    for (const writer of writers) writer.close();
    await server.stop();
    await database?.drop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const pinned = pinSelf();
  console.log(
    `ops benchmark: ${WRITERS} writers over ${ROOMS} rooms, ${WINDOW} ops in flight each, ${SECONDS} s × ${ROUNDS} rounds, on ${POSTGRES ? 'PostgreSQL' : 'SQLite'}; ${pinned ? 'server pinned to core 1' : 'not pinned'}`,
  );
  const results = new Map<string, Array<Awaited<ReturnType<typeof runOnce>>>>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of round % 2 ? [...targets].reverse() : targets) {
      const result = await runOnce(target);
      results.set(target.label, [...(results.get(target.label) ?? []), result]);
      console.log(`round ${round + 1} ${target.label.padEnd(10)} ${Math.round(result.opsPerSecond)} ops/s, ${result.cpuMicrosPerOp.toFixed(0)} µs CPU/op, ${result.opsPerGroup?.toFixed(1) ?? '—'} ops/group, ${result.errors} errors`);
    }
  }
  console.log('\n| server | acked ops/s (median) | server CPU µs per op | ops per commit group |\n|---|---:|---:|---:|');
  for (const [label, runs] of results) {
    const groups = runs.map((r) => r.opsPerGroup).filter((g): g is number => g !== null);
    console.log(`| ${label} | ${Math.round(median(runs.map((r) => r.opsPerSecond)))} | ${median(runs.map((r) => r.cpuMicrosPerOp)).toFixed(0)} | ${groups.length ? median(groups).toFixed(1) : '—'} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
