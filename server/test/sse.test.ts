import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { api, ops, SseClient, startTestServer, uuid, type TestServer } from './helpers.js';

describe('SSE', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startTestServer();
    token = (await api(server, '/api/guest', { method: 'POST' })).json.token;
  });
  after(() => server.stop());

  const post = (room: string, op: object) => api(server, `/api/rooms/${encodeURIComponent(room)}/ops`, { token, body: op });

  it('opens a multi-room stream with a snapshot per room, then streams posted events', async () => {
    const [a, b] = [`a-${uuid()}`, `b-${uuid()}`];
    await post(a, ops.createMarker(a));
    const stream = await SseClient.open(`${server.url}/api/events?tenant=demo&sub=${a}&sub=${b}`);
    assert.equal(stream.status, 200);
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
    assert.equal(stream.headers['cache-control'], 'no-cache');
    const snapA = await stream.next((e) => e.event === 'snapshot' && e.data.room === a);
    const snapB = await stream.next((e) => e.event === 'snapshot' && e.data.room === b);
    const epoch = snapA.data.epoch;
    assert.equal(snapA.id, `${a}@${epoch}:1`);
    assert.equal(snapA.data.markers.length, 1);
    assert.equal(snapB.id, `${b}@${epoch}:0`);
    const op = ops.createMarker(b, 'live');
    await post(b, op);
    const event = await stream.next('new-image-chat');
    assert.equal(event.id, `${b}@${epoch}:1`);
    assert.equal(event.data.broadcastId, op.broadcastId);
    stream.close();
  });

  it('resumes with sub=room@epoch:seq: the missed events, then subscribed', async () => {
    const room = `r-${uuid()}`;
    for (let i = 0; i < 3; i++) await post(room, ops.createMarker(room));
    const { epoch } = (await api(server, `/api/rooms/${room}/markers`)).json;
    const stream = await SseClient.open(`${server.url}/api/events?sub=${encodeURIComponent(`${room}@${epoch}:1`)}`);
    const first = await stream.next((e) => e.event !== 'ping');
    const second = await stream.next((e) => e.event !== 'ping');
    const done = await stream.next((e) => e.event !== 'ping');
    assert.deepEqual([first.event, first.id, second.id], ['new-image-chat', `${room}@${epoch}:2`, `${room}@${epoch}:3`]);
    assert.deepEqual([done.event, done.data], ['subscribed', { type: 'subscribed', room, epoch, seq: 3 }]);
    stream.close();
  });

  it('honours Last-Event-ID on the single-room route', async () => {
    const room = `r-${uuid()}`;
    for (let i = 0; i < 3; i++) await post(room, ops.createMarker(room));
    const { epoch } = (await api(server, `/api/rooms/${room}/markers`)).json;
    const stream = await SseClient.open(`${server.url}/api/rooms/${room}/events?tenant=demo&token=${token}`, { 'Last-Event-ID': `${epoch}:2` });
    const event = await stream.next('new-image-chat');
    assert.equal(event.id, `${epoch}:3`);
    assert.equal((await stream.next('subscribed')).data.seq, 3);
    stream.close();

    const fresh = await SseClient.open(`${server.url}/api/rooms/${room}/events`);
    const snapshot = await fresh.next('snapshot');
    assert.equal(snapshot.id, `${epoch}:3`);
    fresh.close();
  });

  it('refuses a bad token and a request without rooms', async () => {
    assert.equal((await api(server, `/api/events?sub=r&token=forged`)).status, 401);
    assert.equal((await api(server, `/api/events`)).status, 400);
  });

  it('renews an old guest token as a WebSocket hello does: the stream opens with a welcome carrying a fresh one', async () => {
    const quick = await startTestServer({ limits: { guestRenewAfterMs: 1 } });
    try {
      const guest = (await api(quick, '/api/guest', { method: 'POST' })).json;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const stream = await SseClient.open(`${quick.url}/api/events?tenant=demo&sub=r&token=${guest.token}`);
      const welcome = await stream.next((e) => e.event !== 'ping');
      assert.equal(welcome.event, 'welcome');
      assert.equal(welcome.data.user.id, guest.user.id);
      assert.ok(welcome.data.guestToken, 'a fresh token'); // (minted within the same second, it may read the same)
      assert.equal((await stream.next('snapshot')).data.room, 'r');
      stream.close();
      // The fresh one names the same guest.
      const op = ops.createMarker('r');
      const ack = await api(quick, '/api/rooms/r/ops', { token: welcome.data.guestToken, body: op });
      assert.equal(ack.status, 200);
      assert.equal((await api(quick, '/api/rooms/r/markers')).json.markers[0].author.id, guest.user.id);
    } finally {
      await quick.stop();
    }
  });

  it('sends no welcome for a young guest token (nothing to renew)', async () => {
    const guest = (await api(server, '/api/guest', { method: 'POST' })).json;
    const stream = await SseClient.open(`${server.url}/api/events?tenant=demo&sub=r&token=${guest.token}`);
    assert.equal((await stream.next((e) => e.event !== 'ping')).event, 'snapshot');
    stream.close();
  });

  it('sends ping events on the stream', async () => {
    const quick = await startTestServer({ limits: { pingIntervalMs: 250 } });
    const stream = await SseClient.open(`${quick.url}/api/events?sub=r`);
    assert.deepEqual((await stream.next('ping')).data, { type: 'ping' });
    stream.close();
    await quick.stop();
  });
});
