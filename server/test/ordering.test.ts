import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoomEvent } from '../../protocol/messages.js';
import { ops, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

const WRITERS = 5;
const OPS_EACH = 40;

describe('seq under concurrent writers', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  it('is gap-free and increasing for every subscriber, and acks are a permutation of 1..N', async () => {
    const room = `busy-${uuid()}`;
    const total = WRITERS * OPS_EACH;
    const readers = await Promise.all([WsClient.connect(server), WsClient.connect(server)]);
    const writers = await Promise.all(Array.from({ length: WRITERS }, () => WsClient.connect(server)));
    // Writers subscribe too: each of them must see everything, its own events included.
    for (const client of [...readers, ...writers]) await client.subscribe(room);

    // One more client subscribes while the writes are under way: its snapshot and the live events must join up.
    const midway = await WsClient.connect(server);
    const writing = Promise.all(
      writers.map(async (writer, w) => {
        // Each writer fires all its ops at once, then collects the acks.
        const sent = Array.from({ length: OPS_EACH }, (_, i) => ops.createMarker(room, `w${w}-${i}`, (w * 10) % 100, i));
        const replies = sent.map((op) => writer.op(op));
        return Promise.all(replies);
      }),
    );
    const opening = await midway.subscribe(room);
    assert.equal(opening.type, 'snapshot');
    const acks = await writing;
    const ackSeqs = acks.flat().map((reply) => (reply.type === 'ack' ? reply.seq : -1));
    assert.deepEqual([...ackSeqs].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1));

    for (const client of [...readers, ...writers]) {
      const seen: RoomEvent[] = [];
      for (let i = 0; i < total; i++) seen.push(await client.event(room));
      assert.deepEqual(seen.map((e) => e.seq), Array.from({ length: total }, (_, i) => i + 1));
    }
    const start = opening.seq;
    assert.equal(opening.type === 'snapshot' && opening.markers.length, start);
    for (let seq = start + 1; seq <= total; seq++) assert.equal((await midway.event(room)).seq, seq);
    // And a late joiner's snapshot agrees.
    const late = await WsClient.connect(server);
    const snapshot = await late.subscribe(room);
    assert.ok(snapshot.type === 'snapshot' && snapshot.seq === total && snapshot.markers.length === total);
    await Promise.all([...readers, ...writers, late, midway].map((c) => c.close()));
  });
});
