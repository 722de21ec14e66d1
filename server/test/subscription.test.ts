import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RoomEvent } from '../../protocol/messages.js';
import { LocalFanout } from '../fanout/local-fanout.js';
import { decide } from '../rooms/decide.js';
import { Subscription } from '../realtime/subscription.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { ops } from './helpers.js';

describe('Subscription ordering', () => {
  it('delivers events published out of order exactly once, in seq order', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-sub-'));
    const storage = new SqliteStorage({ dataDir, eventLogRetention: 100, idempotencyTtlMs: 60_000 });
    const fanout = new LocalFanout();
    const user = { id: 'u', name: 'U' };
    const commit = async () => {
      const op = ops.createMarker('r');
      const result = await storage.commit({ tenant: 't', op, fingerprint: op.broadcastId, now: 1, decide: (s) => decide(op, s, user, 1, { maxMarkersPerRoom: 99, maxCommentsPerMarker: 9 }) });
      assert.ok(!result.duplicate);
      return result.event;
    };
    const first = await commit();
    const received: RoomEvent[] = [];
    const subscription = await Subscription.open({ storage, fanout }, 't', 'r', {}, {
      snapshot: (m) => assert.equal(m.seq, 1),
      subscribed: () => assert.fail('no subscribed after a snapshot'),
      events: (events) => received.push(...events),
    });
    const [e2, e3, e4] = [await commit(), await commit(), await commit()];
    // As from several processes: late, early, duplicated, already-sent.
    for (const event of [e3, first, e4, e2, e3]) fanout.publish('t', 'r', event);
    assert.deepEqual(received.map((e) => e.seq), [2, 3, 4]);
    subscription.close();
    fanout.publish('t', 'r', await commit());
    assert.equal(received.length, 3);
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
