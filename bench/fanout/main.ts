/**
 * `npm run bench:fanout`: image-chat's fan-out against a raw `ws` server and Socket.IO doing the same fan-out, in
 * one run, interleaved (every round runs every server on every scenario, in a rotating order), each server in a
 * fresh child process pinned to its own core. Prints the medians over rounds and image-chat's ratios to the anchors.
 *
 *   npm run bench:fanout -- [--rounds 3] [--only burst,rate,light,idle] [--before <checkout>] [--profile <dir>]
 *                           [--kinds 'raw ws,Socket.IO,image-chat,before'] [--idle 5000]
 *
 * `--before` adds a column for another checkout of image-chat (e.g. `git worktree add /tmp/before <commit>` with
 * its own node_modules), measured in the same rounds. `--profile` writes a CPU profile of each image-chat server
 * process (its whole life: connecting, warm-up and the measured phase) to that directory. Numbers only: nothing
 * here asserts a time.
 */
import { imageChat, rawWs, socketIo } from './drivers.js';
import { pinSelf } from './server-process.js';
import { runFanout, runIdle, type FanoutResult, type FanoutScenario, type Kind } from './scenarios.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const ROUNDS = Number(flag('rounds') ?? 3);
const ONLY = new Set((flag('only') ?? 'burst,rate,light,idle').split(','));
const BEFORE = flag('before');
const IDLE_CONNECTIONS = Number(flag('idle') ?? 5000);
const PROFILE = flag('profile');

const ALL_KINDS: Kind[] = [
  { label: 'raw ws', driver: rawWs, script: 'raw-ws.ts' },
  { label: 'Socket.IO', driver: socketIo, script: 'socket-io.ts' },
  { label: 'image-chat', driver: imageChat('image-chat'), script: 'image-chat.ts', profileDir: PROFILE },
  ...(BEFORE ? [{ label: 'before', driver: imageChat('before'), script: 'image-chat.ts', args: ['--repo', BEFORE] }] : []),
];
// `--kinds image-chat` (say, with --profile) runs only those servers.
const KINDS = flag('kinds')?.split(',');
const kinds = KINDS ? ALL_KINDS.filter((k) => KINDS.includes(k.label)) : ALL_KINDS;

const ALL_SCENARIOS: FanoutScenario[] = [
  { name: 'burst', subscribers: 1000, pattern: { kind: 'burst', events: 500 } },
  { name: 'rate', subscribers: 200, pattern: { kind: 'rate', perSecond: 1000, seconds: 4 } },
  { name: 'light', subscribers: 1000, pattern: { kind: 'rate', perSecond: 20, seconds: 10 } },
];
const scenarios = ALL_SCENARIOS.filter((s) => ONLY.has(s.name));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const pinned = pinSelf();
  console.log(`fan-out benchmark: ${ROUNDS} rounds; ${pinned ? 'servers pinned to core 1, clients to core 0' : 'no taskset: not pinned'}`);
  const fanout = new Map<string, FanoutResult[]>(); // `${scenario}|${kind}`
  const idle = new Map<string, Array<{ rss: number; heap: number }>>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!);
    for (const scenario of scenarios) {
      for (const kind of order) {
        const result = await runFanout(kind, scenario);
        const key = `${scenario.name}|${kind.label}`;
        fanout.set(key, [...(fanout.get(key) ?? []), result]);
        console.log(`round ${round + 1} ${scenario.name.padEnd(5)} ${kind.label.padEnd(10)} ${fmt(result)}`);
      }
    }
    if (ONLY.has('idle')) {
      for (const kind of order) {
        const perConnection = await runIdle(kind, IDLE_CONNECTIONS);
        idle.set(kind.label, [...(idle.get(kind.label) ?? []), perConnection]);
        console.log(`round ${round + 1} idle  ${kind.label.padEnd(10)} ${(perConnection.rss / 1024).toFixed(1)} KB RSS, ${(perConnection.heap / 1024).toFixed(1)} KB heap per connection`);
      }
    }
  }
  printTable(fanout, idle);
}

function fmt(r: FanoutResult): string {
  return `cpu ${r.cpuMsPer1000.toFixed(2)} ms/1000, ${Math.round(r.deliveriesPerSecond)} deliveries/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.eventsPerFrame.toFixed(2)} events/frame, faults ${r.faults}`;
}

function printTable(fanout: Map<string, FanoutResult[]>, idle: Map<string, Array<{ rss: number; heap: number }>>): void {
  const labels = kinds.map((k) => k.label);
  const rows: string[][] = [];
  const row = (figure: string, values: Array<number | undefined>, digits: number) => {
    const [ws, sio, ic] = values;
    const ratio = (a?: number, b?: number) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : '—');
    rows.push([figure, ...values.map((v) => (v === undefined ? '—' : v.toFixed(digits))), ratio(ic, sio), ratio(ic, ws)]);
  };
  for (const scenario of scenarios) {
    const get = (pick: (r: FanoutResult) => number) => labels.map((label) => {
      const results = fanout.get(`${scenario.name}|${label}`);
      return results ? median(results.map(pick)) : undefined;
    });
    const what = `${scenario.name}, S=${scenario.subscribers}${scenario.pattern.kind === 'rate' ? ` at ${scenario.pattern.perSecond} ops/s` : ` × ${scenario.pattern.events} events`}`;
    row(`${what}: server CPU ms / 1000 deliveries`, get((r) => r.cpuMsPer1000), 2);
    row(`${what}: deliveries/s`, get((r) => r.deliveriesPerSecond), 0);
    row(`${what}: p50 latency ms`, get((r) => r.p50), 1);
    row(`${what}: p99 latency ms`, get((r) => r.p99), 1);
    row(`${what}: events per frame`, get((r) => r.eventsPerFrame), 2);
    row(`${what}: lost + doubled + reordered (sum)`, labels.map((label) => (fanout.get(`${scenario.name}|${label}`) ?? []).reduce((n, r) => n + r.faults, 0)), 0);
  }
  if (idle.size) {
    const per = (field: 'rss' | 'heap') => labels.map((l) => (idle.has(l) ? median(idle.get(l)!.map((m) => m[field])) / 1024 : undefined));
    row(`idle, ${IDLE_CONNECTIONS} connections: server RSS KB per connection`, per('rss'), 1);
    row(`idle, ${IDLE_CONNECTIONS} connections: server JS heap KB per connection`, per('heap'), 1);
  }
  const header = ['figure (medians)', ...labels, 'image-chat / Socket.IO', 'image-chat / raw ws'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  console.log(`\n${line(header)}\n|${widths.map((w, i) => (i ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
