import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { WireEvent } from '../fanout/event-run.js';
import { LocalFanout } from '../fanout/local-fanout.js';
import { decide } from '../rooms/decide.js';
import { Subscription } from '../realtime/subscription.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { ops } from './helpers.js';

/** Resolves once `predicate` holds, checking after each turn of the event loop; fails after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** One turn of the event loop: the fan-out delivers what was published in the last one. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

function setup(eventLogRetention: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-sub-'));
  const storage = new SqliteStorage({ dataDir, eventLogRetention, idempotencyTtlMs: 60_000 });
  const fanout = new LocalFanout();
  const user = { id: 'u', name: 'U' };
  const commit = async () => {
    const op = ops.createMarker('r');
    const result = await storage.commit({ tenant: 't', op, fingerprint: op.broadcastId, now: 1, decide: (s) => decide(op, s, user, 1, { maxMarkersPerRoom: 999, maxCommentsPerMarker: 9, maxRoomsPerTenant: 9 }) });
    assert.ok(!result.duplicate);
    return result.event;
  };
  const teardown = async () => {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { storage, fanout, commit, teardown };
}

describe('Subscription ordering', () => {
  it('fills a lasting gap from the event log', async () => {
    const { storage, fanout, commit, teardown } = setup(1000);
    const received: number[] = [];
    const subscription = await Subscription.open({ storage, fanout }, 't', 'r', {}, {
      snapshot: () => {},
      subscribed: () => {},
      presence: () => {},
      events: (run) => received.push(...run.events.map((e) => e.seq)),
    });
    const events = [];
    for (let i = 0; i < 80; i++) events.push(await commit());
    for (const event of events.slice(1)) fanout.publish('t', 'r', event); // seq 1 is lost on the way
    await until(() => received.length === 80);
    assert.deepEqual(received, Array.from({ length: 80 }, (_, i) => i + 1));
    subscription.close();
    await teardown();
  });

  it('sends a fresh snapshot when the gap was trimmed from the log', async () => {
    const { storage, fanout, commit, teardown } = setup(10);
    const snapshots: number[] = [];
    const received: number[] = [];
    const subscription = await Subscription.open({ storage, fanout }, 't', 'r', {}, {
      snapshot: (m) => snapshots.push(m.seq),
      subscribed: () => {},
      presence: () => {},
      events: (run) => received.push(...run.events.map((e) => e.seq)),
    });
    const events = [];
    for (let i = 0; i < 80; i++) events.push(await commit());
    for (const event of events.slice(1)) fanout.publish('t', 'r', event);
    await until(() => snapshots.length === 2);
    assert.deepEqual(snapshots, [0, 80]);
    assert.deepEqual(received, []);
    fanout.publish('t', 'r', await commit());
    await tick();
    assert.deepEqual(received, [81]);
    subscription.close();
    await teardown();
  });

  it('delivers events published out of order exactly once, in seq order', async () => {
    const { storage, fanout, commit, teardown } = setup(100);
    const first = await commit();
    const received: WireEvent[] = [];
    const subscription = await Subscription.open({ storage, fanout }, 't', 'r', {}, {
      snapshot: (m) => assert.equal(m.seq, 1),
      subscribed: () => assert.fail('no subscribed after a snapshot'),
      presence: () => {},
      events: (run) => received.push(...run.events),
    });
    const [e2, e3, e4] = [await commit(), await commit(), await commit()];
    // As from several processes: late, early, duplicated, already-sent.
    for (const event of [e3, first, e4, e2, e3]) fanout.publish('t', 'r', event);
    await tick();
    assert.deepEqual(received.map((e) => e.seq), [2, 3, 4]);
    subscription.close();
    fanout.publish('t', 'r', await commit());
    await tick();
    assert.equal(received.length, 3);
    await teardown();
  });
});
