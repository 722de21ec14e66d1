import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, ops, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

describe('REST', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    const guest = await api(server, '/api/guest', { method: 'POST' });
    assert.equal(guest.status, 200);
    assert.match(guest.json.user.id, /^guest:/);
    token = guest.json.token;
  });
  after(() => server.stop());

  it('POST op → ack, and WebSocket subscribers get the event; GET markers → snapshot', async () => {
    const room = `room/${uuid()}`; // a slash, URL-encoded in the path
    const path = `/api/rooms/${encodeURIComponent(room)}`;
    const ws = await WsClient.connect(server);
    await ws.subscribe(room);
    const op = ops.createMarker(room, 'over HTTP');
    const res = await api(server, `${path}/ops?tenant=demo`, { token, body: op });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { type: 'ack', broadcastId: op.broadcastId, seq: 1 });
    const event = await ws.event(room);
    assert.equal(event.broadcastId, op.broadcastId);
    const snapshot = await api(server, `${path}/markers?tenant=demo`);
    assert.equal(snapshot.status, 200);
    assert.equal(snapshot.json.room, room);
    assert.equal(snapshot.json.seq, 1);
    assert.equal(typeof snapshot.json.epoch, 'string');
    assert.equal(snapshot.json.markers[0].comments[0].text, 'over HTTP');
    await ws.close();
  });

  it('maps error codes to HTTP statuses', async () => {
    const room = `room-${uuid()}`;
    const path = `/api/rooms/${room}/ops`;
    const mismatch = await api(server, path, { token, body: ops.createMarker('elsewhere') });
    assert.deepEqual([mismatch.status, mismatch.json.type, mismatch.json.code], [400, 'error', 'bad-request']);
    assert.equal((await api(server, path, { token, rawBody: '{oops' })).status, 400);
    assert.equal((await api(server, path, { token, body: ops.deleteMarker(room, uuid()) })).status, 404);
    const noToken = await api(server, path, { body: ops.createMarker(room) });
    assert.deepEqual([noToken.status, noToken.json.code], [401, 'unauthorized']);
    const badToken = await api(server, path, { token: 'forged', body: ops.createMarker(room) });
    assert.deepEqual([badToken.status, badToken.json.code], [401, 'unauthorized']);
    assert.equal((await api(server, `/api/rooms/${room}/markers?tenant=acme`)).status, 403);
    const op = ops.createMarker(room);
    await api(server, path, { token, body: op });
    const other = (await api(server, '/api/guest', { method: 'POST' })).json.token;
    assert.equal((await api(server, path, { token: other, body: ops.deleteMarker(room, op.marker.id) })).status, 403);
    assert.equal((await api(server, path, { token, body: { ...ops.createMarker(room), broadcastId: op.broadcastId } })).status, 409);
    assert.equal((await api(server, '/api/nothing-here')).status, 404);
  });

  it("names the op in every refusal of it: the error body carries the body's broadcastId (SPEC §2 error)", async () => {
    const room = `room-${uuid()}`;
    const path = `/api/rooms/${room}/ops`;
    const refusals = {
      'bad-request (schema)': { token, body: { ...ops.createMarker(room), marker: { id: 'not-a-uuid', x: 1, y: 1 } } },
      'bad-request (room)': { token, body: ops.createMarker('elsewhere') },
      'not-found': { token, body: ops.deleteMarker(room, uuid()) },
      unauthorized: { body: ops.createMarker(room) },
    };
    for (const [what, request] of Object.entries(refusals)) {
      const res = await api(server, path, request);
      assert.equal(res.json.type, 'error', what);
      assert.equal(res.json.broadcastId, request.body.broadcastId, what);
    }
    // A body that is not JSON (or names no usable broadcastId) has nothing to name.
    const garbled = await api(server, path, { token, rawBody: '{oops' });
    assert.deepEqual([garbled.status, 'broadcastId' in garbled.json], [400, false]);
    const anonymous = await api(server, path, { token, body: { type: 'create-marker', room } });
    assert.deepEqual([anonymous.status, 'broadcastId' in anonymous.json], [400, false]);
  });

  it('answers CORS preflights and reflects the Origin', async () => {
    const res = await fetch(`${server.url}/api/rooms/r/ops`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://elsewhere.test');
    assert.match(res.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const get = await fetch(`${server.url}/api/rooms/r/markers`, { headers: { Origin: 'http://elsewhere.test' } });
    assert.equal(get.headers.get('access-control-allow-origin'), 'http://elsewhere.test');
  });
});
