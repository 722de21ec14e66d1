/**
 * The fan-out across processes over a real Redis, with two fan-outs standing for two processes on one database:
 * events cross, each once; a subscriber connection cut (CLIENT KILL) or a lost message is made good from the log,
 * in a quiet room too. (The same with real server processes on PostgreSQL: cluster.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectRedis, type RedisLinks } from '../cluster/redis-links.js';
import type { EventRun, WireEvent } from '../fanout/event-run.js';
import { RedisFanout } from '../fanout/redis-fanout.js';
import { decide } from '../rooms/decide.js';
import { Subscription } from '../realtime/subscription.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { ops, uuid } from './helpers.js';
import { startTcpProxy } from '../../test-support/tcp-proxy.js';
import { dropPrefix, killClients, TEST_REDIS_URL, testPrefix } from './support/redis.js';

const LIMITS = { maxMarkersPerRoom: 10_000, maxCommentsPerMarker: 500, maxRoomsPerTenant: 10_000 };
const user = { id: 'u', name: 'U' };

async function until(done: () => boolean, what: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Process {
  name: string;
  links: RedisLinks;
  fanout: RedisFanout;
}

describe('Redis fan-out', () => {
  let dataDir: string;
  let storage: SqliteStorage;
  let prefix: string;
  const processes: Process[] = [];

  const start = async (via: { url?: string; confirmTimeoutMs?: number } = {}): Promise<Process> => {
    const name = `${prefix}p${processes.length}`;
    const links = await connectRedis(via.url ?? TEST_REDIS_URL, name);
    const fanout = new RedisFanout({ publisher: links.commands, subscriber: links.subscriber, prefix, confirmTimeoutMs: via.confirmTimeoutMs });
    const process = { name, links, fanout };
    processes.push(process);
    return process;
  };

  /** Commits a marker and publishes its event from `from`, as the room service does. */
  const write = async (from: Process, room: string, publish = true): Promise<WireEvent> => {
    const op = ops.createMarker(room, 'over Redis');
    const result = await storage.commit({ tenant: 't', op, fingerprint: op.broadcastId, now: 1, decide: (s) => decide(op, s, user, 1, LIMITS) });
    assert.ok(!result.duplicate);
    if (publish) from.fanout.publish('t', room, result.event);
    return result.event;
  };

  /** A subscription on `on` that records the seqs it sends. */
  const watch = async (on: Process, room: string) => {
    const seqs: number[] = [];
    const subscription = await Subscription.open({ storage, fanout: on.fanout }, 't', room, {}, {
      snapshot: () => {},
      subscribed: () => {},
      presence: () => {},
      events: (run: EventRun) => seqs.push(...run.events.map((e) => e.seq)),
    });
    return { seqs, subscription };
  };

  before(() => {
    prefix = testPrefix();
    dataDir = mkdtempSync(join(tmpdir(), 'image-chat-redis-'));
    storage = new SqliteStorage({ dataDir, eventLogRetention: 1000, idempotencyTtlMs: 60_000 });
  });
  after(async () => {
    for (const p of processes) {
      await p.fanout.close();
      await p.links.close();
    }
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
    await dropPrefix(prefix);
  });

  it('carries each event to the other process once, as the JSON that was committed', async () => {
    const [a, b] = [await start(), await start()];
    const room = `cross-${uuid()}`;
    const runs: EventRun[] = [];
    const own: number[] = [];
    await b.fanout.subscribe('t', room, { onRun: (run) => runs.push(run) });
    await a.fanout.subscribe('t', room, { onRun: (run) => own.push(...run.events.map((e) => e.seq)) });
    const sent = [await write(a, room), await write(a, room), await write(a, room)];
    await until(() => runs.flatMap((r) => r.events).length === 3 && own.length === 3, () => `b got ${runs.length} runs, a ${own.length}`);
    await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more comes: a skips its own messages
    assert.deepEqual(runs.flatMap((r) => r.events), sent, 'the same seq, type and JSON text');
    assert.deepEqual(own, [1, 2, 3], 'the publishing process delivers its own once');
  });

  it('a subscription on another process ends with every event when its subscriber connection is killed, even with no op after the cut', async () => {
    const [a, b] = [await start(), await start()];
    const room = `cut-${uuid()}`;
    const viewer = await watch(b, room);
    await write(a, room);
    await until(() => viewer.seqs.length === 1, () => `seqs ${viewer.seqs}`);
    assert.equal(await killClients(`${b.name}:subscriber`, 'pubsub'), 1);
    // Written while b's subscriber is down or reconnecting: those messages are lost to b.
    for (let i = 0; i < 5; i++) await write(a, room);
    await until(() => viewer.seqs.length === 6, () => `seqs after the cut: ${viewer.seqs}`);
    assert.deepEqual(viewer.seqs, [1, 2, 3, 4, 5, 6]);
    viewer.subscription.close();
  });

  it('fills a gap in a quiet room from the log within about a second (a message lost on the way)', async () => {
    const [a, b] = [await start(), await start()];
    const room = `gap-${uuid()}`;
    const viewer = await watch(b, room);
    await write(a, room);
    await write(a, room, false); // committed, never published: lost
    await write(a, room); // the last one: no later event comes to push the gap out
    await until(() => viewer.seqs.length === 3, () => `seqs ${viewer.seqs}`, 5000);
    assert.deepEqual(viewer.seqs, [1, 2, 3]);
    viewer.subscription.close();
  });

  it('a subscribe Redis confirms late (a slow link): what was published before the channel was heard comes from the log', async () => {
    // b's link to Redis takes 150 ms each way and b waits only 30 ms for a confirmation: its viewer's opening is
    // read, and a's event published, before Redis has b's SUBSCRIBE. Nothing follows in the room.
    const proxy = await startTcpProxy(TEST_REDIS_URL.replace(/^redis:/, 'http:'), { latencyMs: 150 });
    try {
      const a = await start();
      const b = await start({ url: proxy.url.replace(/^http:/, 'redis:'), confirmTimeoutMs: 30 });
      const room = `late-${uuid()}`;
      const viewer = await watch(b, room);
      await write(a, room);
      await until(() => viewer.seqs.length === 1, () => `seqs ${viewer.seqs}`, 5000);
      assert.deepEqual(viewer.seqs, [1]);
      viewer.subscription.close();
    } finally {
      await proxy.close();
    }
  });
});
