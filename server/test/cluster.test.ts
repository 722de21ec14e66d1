/**
 * Several real server processes (server/main.ts, as an operator runs it) on one fresh PostgreSQL database and one
 * Redis (SPEC §5): they all start at once on the empty database, every viewer on every process and transport gets
 * every event once in one gap-free order, a retried op is applied once, a Redis cut and a killed process lose
 * nothing, and limits, usage, live counts and presence are the cluster's, not each process's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Marker, RoomEvent, ServerMessage, SnapshotMessage } from '../../protocol/messages.js';
import { ops, SseClient, uuid, WsClient, type TestServer } from './helpers.js';
import { startMain, type MainProcess } from './support/main-process.js';
import { freshDatabase, type FreshDatabase } from './support/postgres.js';
import { countClients, killClients, TEST_REDIS_URL } from './support/redis.js';

const isEvent = (m: { type: string }): m is RoomEvent => m.type === 'new-image-chat' || m.type === 'image-chat-updated' || m.type === 'deleted-image-chat';

/** Waits for `done()`, calling `refresh` (if any) before each look. */
async function until(done: () => boolean, what: () => string, timeoutMs = 15_000, refresh?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await refresh?.();
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the protocol clients of helpers.ts need from a server: its URLs. */
const target = (main: MainProcess): TestServer => ({ url: main.url, wsUrl: `${main.url.replace(/^http/, 'ws')}/ws` }) as TestServer;

/** Every room event a WebSocket client receives, batches unwrapped, in arrival order. */
function recordWs(client: WsClient): RoomEvent[] {
  const seen: RoomEvent[] = [];
  client.ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.type === 'batch') seen.push(...message.events);
    else if (isEvent(message)) seen.push(message);
  });
  return seen;
}

/** Every room event an SSE stream receives, in arrival order. */
async function recordSse(url: string, room: string): Promise<{ stream: SseClient; seen: RoomEvent[]; opening: SnapshotMessage }> {
  const stream = await SseClient.open(`${url}/api/events?tenant=demo&sub=${encodeURIComponent(room)}`);
  const opening = (await stream.next('snapshot', 10_000)).data as SnapshotMessage;
  const seen: RoomEvent[] = [];
  const pump = async () => {
    for (;;) {
      const event = await stream.next((e) => isEvent({ type: e.event }), 60_000).catch(() => null);
      if (!event) return;
      seen.push(event.data as RoomEvent);
    }
  };
  void pump();
  return { stream, seen, opening };
}

const seqsOf = (events: readonly RoomEvent[], room: string) => events.filter((e) => e.room === room).map((e) => e.seq);
const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const byId = (markers: readonly Marker[]) => [...markers].sort((a, b) => a.id.localeCompare(b.id));

async function snapshotOn(main: MainProcess, room: string): Promise<SnapshotMessage> {
  const client = await WsClient.connect(target(main));
  const opening = await client.subscribe(room);
  await client.close();
  assert.equal(opening.type, 'snapshot');
  return opening as SnapshotMessage;
}

/** Starts `count` processes at the same moment on the database and Redis, with a tenants/limits file if given. */
async function startCluster(db: FreshDatabase, count: number, config?: object): Promise<{ processes: MainProcess[]; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-cluster-'));
  const env: Record<string, string> = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn', DATA_DIR: join(dir, 'unused') };
  if (config) {
    writeFileSync(join(dir, 'tenants.json'), JSON.stringify(config));
    env.IMAGE_CHAT_CONFIG = join(dir, 'tenants.json');
  }
  const processes = await Promise.all(Array.from({ length: count }, () => startMain(env)));
  return { processes, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('three processes on PostgreSQL and Redis', () => {
  let db: FreshDatabase;
  let processes: MainProcess[] = [];
  let cleanup = () => {};

  before(async () => {
    db = await freshDatabase();
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop().catch(() => {})));
    cleanup();
    await db.drop();
  });

  it('start at the same moment on an empty database, all three', async () => {
    ({ processes, cleanup } = await startCluster(db, 3));
    const epochs = new Set<string>();
    for (const main of processes) {
      const ready = await fetch(`${main.url}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      epochs.add((await snapshotOn(main, `boot-${uuid()}`)).epoch);
    }
    assert.equal(epochs.size, 1, 'one database, one epoch');
  });

  it('writers on all three, viewers on all three over WebSocket and SSE: every event once, in one gap-free order; snapshots equal', async () => {
    const room = `crowd-${uuid()}`;
    const wsViewers = await Promise.all(processes.map((main) => WsClient.connect(target(main))));
    const wsSeen = wsViewers.map(recordWs);
    for (const viewer of wsViewers) await viewer.subscribe(room);
    const sse = await Promise.all(processes.map((main) => recordSse(main.url, room)));
    const writers = await Promise.all(processes.map((main) => WsClient.connect(target(main))));
    const PER_WRITER = 40;
    const answers = await Promise.all(
      writers.map(async (writer, w) => {
        const sent = Array.from({ length: PER_WRITER }, (_, i) => ops.createMarker(room, `w${w} #${i}`, (w * 30 + i) % 100, i % 100));
        for (const op of sent) writer.send(op); // pipelined: the server commits them in groups
        return Promise.all(sent.map((op) => writer.next((m) => (m.type === 'ack' || m.type === 'error') && m.broadcastId === op.broadcastId, 20_000)));
      }),
    );
    assert.deepEqual(answers.flat().filter((a) => a.type !== 'ack'), [], 'every op acked');
    const total = PER_WRITER * writers.length;
    const ackSeqs = answers.flat().map((a) => (a.type === 'ack' ? a.seq : 0)).sort((a, b) => a - b);
    assert.deepEqual(ackSeqs, oneToN(total), 'one seq per op, no gap, none twice');
    const everyone = [...wsSeen.map((seen, i) => ({ name: `ws on p${i}`, seen })), ...sse.map((s, i) => ({ name: `sse on p${i}`, seen: s.seen }))];
    await until(
      () => everyone.every(({ seen }) => seen.length >= total),
      () => everyone.map(({ name, seen }) => `${name}: ${seen.length}`).join(', '),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing doubled arriving late
    for (const { name, seen } of everyone) assert.deepEqual(seqsOf(seen, room), oneToN(total), `${name}: every event once, in order`);
    const snapshots = await Promise.all(processes.map((main) => snapshotOn(main, room)));
    for (const snapshot of snapshots) {
      assert.equal(snapshot.seq, total);
      assert.deepEqual(byId(snapshot.markers), byId(snapshots[0]!.markers));
    }
    assert.deepEqual(snapshots[0]!.markers.map((m) => m.number ?? 0).sort((a, b) => a - b), oneToN(total), 'marker numbers 1..N, each once');
    for (const s of sse) s.stream.close();
    await Promise.all([...wsViewers, ...writers].map((c) => c.close()));
  });

  it('the same op sent to two processes at once (a retry after a lost ack) is applied once; both get the first seq', async () => {
    const room = `retry-${uuid()}`;
    const a = await WsClient.connect(target(processes[0]!));
    const b = await WsClient.connect(target(processes[1]!), { token: a.guestToken }); // the same user, as a retry is
    for (let round = 0; round < 5; round++) {
      const op = ops.createMarker(room, `retried ${round}`);
      const [first, second] = await Promise.all([a.op(op), b.op(op)]);
      assert.equal(first.type, 'ack', JSON.stringify(first));
      assert.equal(second.type, 'ack', JSON.stringify(second));
      assert.equal(first.type === 'ack' && second.type === 'ack' && first.seq === second.seq, true, 'one seq for both');
    }
    const snapshot = await snapshotOn(processes[2]!, room);
    assert.equal(snapshot.seq, 5);
    assert.equal(snapshot.markers.length, 5);
    await Promise.all([a.close(), b.close()]);
  });

  it('Redis subscriber connections killed while ops are written: every viewer still ends with every event, with no op after the cut', async () => {
    const room = `cut-${uuid()}`;
    const viewers = await Promise.all(processes.map((main) => WsClient.connect(target(main))));
    const seen = viewers.map(recordWs);
    const opening = await viewers[0]!.subscribe(room);
    for (const viewer of viewers.slice(1)) await viewer.subscribe(room);
    const writer = await WsClient.connect(target(processes[0]!));
    const prefix = `image-chat:${opening.epoch}:`;
    let acked = 0;
    let pubsubClients = 0;
    for (let i = 0; i < 30; i++) {
      if (i === 10 || i === 29) {
        // A process's subscriber connection is a pub/sub client once it holds a channel (and again once it has
        // reconnected from the last cut): wait for all three, then cut them all.
        await until(() => pubsubClients >= 3, () => `${pubsubClients} subscriber connections`, 10_000, async () => {
          pubsubClients = await countClients(prefix, 'pubsub');
        });
        assert.ok((await killClients(prefix, 'pubsub')) >= 3, 'every process had its subscriber connection cut');
        pubsubClients = 0;
      }
      const answer = await writer.op(ops.createMarker(room, `cut ${i}`));
      assert.equal(answer.type, 'ack', 'a Redis cut never fails an op');
      acked++;
    }
    // The last op went out while every subscriber connection was down, and nothing follows it: the processes must
    // find it in the log themselves when their subscribers come back.
    await until(
      () => seen.every((s) => s.length >= acked),
      () => seen.map((s, i) => `p${i}: ${s.length}/${acked}`).join(', '),
    );
    for (const [i, s] of seen.entries()) assert.deepEqual(seqsOf(s, room), oneToN(acked), `viewer on p${i}`);
    await Promise.all([...viewers, writer].map((c) => c.close()));
  });

  it('one process SIGKILLed while writers on it and on another are active: no acked op lost; its viewers resume elsewhere with a replay', async () => {
    const room = `kill-${uuid()}`;
    const [survivor, , doomed] = processes as [MainProcess, MainProcess, MainProcess];
    const viewer = await WsClient.connect(target(doomed));
    const viewerSeen = recordWs(viewer);
    const opening = await viewer.subscribe(room);
    const onDoomed = await WsClient.connect(target(doomed));
    const onSurvivor = await WsClient.connect(target(survivor));
    const ackedIds = new Set<string>();
    const keepWriting = (writer: WsClient, label: string) => {
      let stop = false;
      const done = (async () => {
        for (let i = 0; !stop; i++) {
          const op = ops.createMarker(room, `${label} ${i}`);
          const answer = await writer.op(op).catch(() => null);
          if (!answer) return; // the connection is gone
          if (answer.type === 'ack') ackedIds.add(op.marker.id);
        }
      })();
      return () => {
        stop = true;
        return done;
      };
    };
    const stopDoomed = keepWriting(onDoomed, 'doomed');
    const stopSurvivor = keepWriting(onSurvivor, 'survivor');
    await until(() => ackedIds.size >= 40, () => `${ackedIds.size} acks`);
    doomed.kill('SIGKILL');
    await viewer.closed;
    await stopDoomed();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stopSurvivor();
    const lastSeen = seqsOf(viewerSeen, room).at(-1) ?? opening.seq;
    assert.deepEqual(seqsOf(viewerSeen, room), oneToN(lastSeen), 'in order before the kill');

    // The viewer's page reconnects to a surviving process from its seq: a replay, not a snapshot.
    const resumed = await WsClient.connect(target(survivor), { token: viewer.guestToken });
    const resumedSeen = recordWs(resumed);
    const reopened = await resumed.subscribe(room, { epoch: opening.epoch, since: lastSeen });
    assert.equal(reopened.type, 'subscribed', 'resumed with a replay');
    await until(() => lastSeen + resumedSeen.length >= reopened.seq, () => `${resumedSeen.length} replayed of ${reopened.seq - lastSeen}`);
    assert.deepEqual(seqsOf(resumedSeen, room), oneToN(reopened.seq).slice(lastSeen), 'the missed events, once, in order');

    const snapshot = await snapshotOn(survivor, room);
    assert.equal(snapshot.seq, reopened.seq, 'the replay ends at the server state');
    const stored = new Set(snapshot.markers.map((m) => m.id));
    assert.deepEqual([...ackedIds].filter((id) => !stored.has(id)), [], 'every acked op is in the database');
    await Promise.all([resumed.close(), onSurvivor.close()]);
    processes = processes.filter((p) => p !== doomed);
  });
});

describe('limits, usage, live counts and presence across processes', () => {
  let db: FreshDatabase;
  let processes: MainProcess[] = [];
  let cleanup = () => {};
  const ADMIN_KEY = 'cluster-admin-key-0123456789';
  /** Markers made by this suite's tests so far: what the usage counters must add up to. */
  let markersMade = 0;

  before(async () => {
    db = await freshDatabase();
    ({ processes, cleanup } = await startCluster(db, 2, {
      tenants: [{ id: 'demo', guests: true, origins: ['*'], adminKey: ADMIN_KEY }],
      limits: { opBurst: 6, opsPerSecond: 1, usageFlushMs: 200 },
    }));
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop().catch(() => {})));
    cleanup();
    await db.drop();
  });

  it('a user spread over two processes gets the single-process rate limit, not twice it', async () => {
    const room = `limit-${uuid()}`;
    const a = await WsClient.connect(target(processes[0]!));
    const b = await WsClient.connect(target(processes[1]!), { token: a.guestToken });
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? b : a).op(ops.createMarker(room, `limited ${i}`))));
    const acked = answers.filter((m) => m.type === 'ack').length;
    const limited = answers.filter((m) => m.type === 'error' && m.code === 'rate-limited').length;
    // A burst of 6 (plus at most a token or two refilled at 1/s while the ops travel), shared by both processes.
    assert.ok(acked >= 6 && acked <= 8, `${acked} acked`);
    assert.equal(acked + limited, 16);
    markersMade += acked;
    await Promise.all([a.close(), b.close()]);
  });

  it('usage adds up across processes and every process gives the same answer, with the cluster-wide live counts', async () => {
    const room = `usage-${uuid()}`;
    const viewers = await Promise.all(processes.map((main) => WsClient.connect(target(main))));
    for (const viewer of viewers) await viewer.subscribe(room);
    for (const [i, viewer] of viewers.entries()) {
      for (let j = 0; j < 3; j++) assert.equal((await viewer.op(ops.createMarker(room, `usage ${i}.${j}`))).type, 'ack');
    }
    const usageOn = async (main: MainProcess) => {
      const res = await fetch(`${main.url}/api/tenants/demo/usage`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(res.status, 200);
      return (await res.json()) as { days: Array<{ conversationCreateCount: number; pubSubMessageCount: number }>; live: { connections: number; rooms: number } };
    };
    const created = (u: Awaited<ReturnType<typeof usageOn>>) => u.days.reduce((sum, d) => sum + d.conversationCreateCount, 0);
    // Each process flushes its own counts to the database every 200 ms here; both answer with what is stored.
    const expected = markersMade + 6;
    let answers = await Promise.all(processes.map(usageOn));
    // Live counts: each process writes its own to Redis every 2 s; both viewers' connections, their one room once.
    const settled = () =>
      created(answers[0]!) === expected &&
      JSON.stringify(answers[0]!.days) === JSON.stringify(answers[1]!.days) &&
      answers.every((u) => u.live.connections === 2 && u.live.rooms === 1);
    for (let i = 0; i < 100 && !settled(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answers = await Promise.all(processes.map(usageOn));
    }
    assert.deepEqual(answers[0]!.days, answers[1]!.days, 'the same answer on both processes');
    assert.equal(created(answers[0]!), expected, 'every marker made on either process, once');
    for (const u of answers) assert.deepEqual(u.live, { connections: 2, rooms: 1 }, 'live: both processes\' connections, the room once');
    await Promise.all(viewers.map((c) => c.close()));
  });

  it('presence spans both processes: two users on two processes each see count 2; one leaves → 1', async () => {
    const room = `presence-${uuid()}`;
    const presenceOf = (count: number) => (m: ServerMessage) => m.type === 'presence' && m.room === room && m.count === count;
    const a = await WsClient.connect(target(processes[0]!));
    const b = await WsClient.connect(target(processes[1]!));
    await a.subscribe(room);
    await b.subscribe(room);
    const [seenByA, seenByB] = await Promise.all([a.next(presenceOf(2), 5000), b.next(presenceOf(2), 5000)]);
    for (const seen of [seenByA, seenByB]) {
      assert.ok(seen.type === 'presence');
      assert.deepEqual(seen.viewers.map((v) => v.id).sort(), [a.user.id, b.user.id].sort());
    }
    await b.close();
    await a.next(presenceOf(1), 5000);
    await a.close();
  });
});
