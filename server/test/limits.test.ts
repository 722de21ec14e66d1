import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, ops, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

describe('size limits and abuse', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ limits: { maxFrameBytes: 4096, maxBadFramesPerInterval: 5, maxMarkersPerRoom: 2, opBurst: 3, opsPerSecond: 1 } })));
  after(() => server.stop());

  it('closes the socket with 1009 on a frame over the limit', async () => {
    const client = await WsClient.connect(server);
    client.send({ ...ops.createMarker('r'), padding: 'x'.repeat(5000) });
    assert.equal((await client.closed).code, 1009);
  });

  it('closes the socket with 1003 on a binary frame', async () => {
    const client = await WsClient.connect(server);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await client.closed).code, 1003);
  });

  it('closes the socket with 4429 after a flood of bad frames', async () => {
    const client = await WsClient.connect(server);
    for (let i = 0; i < 10; i++) client.send('garbage');
    assert.equal((await client.closed).code, 4429);
  });

  it('answers an HTTP body over the limit with 413 too-large', async () => {
    const { token } = (await api(server, '/api/guest', { method: 'POST' })).json;
    const res = await api(server, '/api/rooms/r/ops', { token, rawBody: JSON.stringify({ ...ops.createMarker('r'), padding: 'x'.repeat(5000) }) });
    assert.equal(res.status, 413);
    assert.deepEqual(res.json.code, 'too-large');
  });

  it('refuses a marker beyond the per-room limit', async () => {
    const client = await WsClient.connect(server);
    const room = `room-${uuid()}`;
    await client.op(ops.createMarker(room));
    await client.op(ops.createMarker(room));
    const reply = await client.op(ops.createMarker(room));
    assert.equal(reply.type === 'error' && reply.code, 'too-large');
    await client.close();
  });

  it('answers ops beyond the rate limit with rate-limited, then closes with 4429', async () => {
    const client = await WsClient.connect(server);
    const room = `room-${uuid()}`;
    const sent = Array.from({ length: 12 }, () => ops.resolveMarker(room, uuid(), true));
    for (const op of sent) client.send(op);
    // The burst (3) is served (not-found: no such marker), the rest refused until the connection is cut.
    const first = await client.next((m) => m.type === 'error' && m.broadcastId === sent[0].broadcastId);
    assert.equal(first.type === 'error' && first.code, 'not-found');
    const limited = await client.next((m) => m.type === 'error' && m.code === 'rate-limited');
    assert.ok(limited.type === 'error' && limited.broadcastId);
    assert.equal((await client.closed).code, 4429);
  });
});
