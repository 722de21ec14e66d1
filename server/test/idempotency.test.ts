import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ops, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

describe('echo and idempotency', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  it("sends the sender its own event (the server never filters by sender)", async () => {
    const client = await WsClient.connect(server);
    const room = `room-${uuid()}`;
    await client.subscribe(room);
    const op = ops.createMarker(room);
    client.send(op);
    const event = await client.event(room);
    assert.equal(event.broadcastId, op.broadcastId);
    assert.equal((await client.next('ack')).seq, event.seq);
    await client.close();
  });

  it('answers the same op sent again with the first ack and no second event', async () => {
    const client = await WsClient.connect(server);
    const watcher = await WsClient.connect(server);
    const room = `room-${uuid()}`;
    await watcher.subscribe(room);
    const op = ops.createMarker(room);
    const first = await client.op(op);
    // A retry after a lost ack, on a new connection as after a reconnect.
    await client.close();
    const again = await WsClient.connect(server, { token: client.guestToken });
    const second = await again.op(op);
    assert.deepEqual(second, first);
    // The next event the watcher sees after the first is the next op's, seq 2: no duplicate was broadcast.
    assert.equal((await watcher.event(room)).seq, 1);
    const next = ops.createMarker(room);
    await again.op(next);
    const event = await watcher.event(room);
    assert.deepEqual([event.seq, event.broadcastId], [2, next.broadcastId]);
    // Also idempotent when the op can no longer apply (the marker is gone): the first ack again.
    const del = ops.deleteMarker(room, op.marker.id);
    const deleted = await again.op(del);
    assert.deepEqual(await again.op(del), deleted);
    await Promise.all([again.close(), watcher.close()]);
  });

  it('answers the same broadcastId with a different op with conflict', async () => {
    const client = await WsClient.connect(server);
    const room = `room-${uuid()}`;
    const op = ops.createMarker(room);
    await client.op(op);
    const reused = { ...ops.createMarker(room), broadcastId: op.broadcastId };
    const reply = await client.op(reused);
    assert.equal(reply.type === 'error' && reply.code, 'conflict');
    // Another user reusing the key is a different op too.
    const other = await WsClient.connect(server);
    const stolen = await other.op(op);
    assert.equal(stolen.type === 'error' && stolen.code, 'conflict');
    await Promise.all([client.close(), other.close()]);
  });
});
