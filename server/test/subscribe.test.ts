import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ops, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

describe('subscribe', () => {
  let server: TestServer;
  let writer: WsClient;
  before(async () => {
    server = await startTestServer({ limits: { eventLogRetention: 5 } });
    writer = await WsClient.connect(server);
  });
  after(async () => {
    await writer.close();
    await server.stop();
  });

  /** A fresh room with `n` markers written by `writer`. */
  async function roomWithEvents(n: number) {
    const room = `room-${uuid()}`;
    for (let i = 0; i < n; i++) assert.equal((await writer.op(ops.createMarker(room, `m${i}`))).type, 'ack');
    return room;
  }

  it('sends a snapshot when no since is given', async () => {
    const room = await roomWithEvents(2);
    const client = await WsClient.connect(server);
    const opening = await client.subscribe(room);
    assert.equal(opening.type, 'snapshot');
    if (opening.type !== 'snapshot') return;
    assert.equal(opening.seq, 2);
    assert.equal(typeof opening.epoch, 'string');
    assert.deepEqual(opening.markers.map((m) => m.comments[0].text), ['m0', 'm1']);
    await client.close();
  });

  it('a new room has seq 0 and its first event is seq 1', async () => {
    const client = await WsClient.connect(server);
    const room = `room-${uuid()}`;
    const opening = await client.subscribe(room);
    assert.ok(opening.type === 'snapshot' && opening.seq === 0 && opening.markers.length === 0);
    await writer.op(ops.createMarker(room));
    assert.equal((await client.event(room)).seq, 1);
    await client.close();
  });

  it('replays missed events, then sends subscribed', async () => {
    const room = await roomWithEvents(4);
    const client = await WsClient.connect(server);
    const snapshot = await client.subscribe(room);
    assert.equal(snapshot.type, 'snapshot');
    const epoch = snapshot.epoch;
    await client.close();

    const returning = await WsClient.connect(server);
    returning.send({ type: 'subscribe', room, epoch, since: 1 });
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) seqs.push((await returning.event(room)).seq);
    assert.deepEqual(seqs, [2, 3, 4]);
    const subscribed = await returning.next('subscribed');
    assert.deepEqual(subscribed, { type: 'subscribed', room, epoch, seq: 4 });
    // Live events follow the replay.
    await writer.op(ops.createMarker(room));
    assert.equal((await returning.event(room)).seq, 5);
    await returning.close();
  });

  it('sends subscribed and nothing else when since is the current seq', async () => {
    const room = await roomWithEvents(2);
    const client = await WsClient.connect(server);
    const { epoch } = await client.subscribe(room);
    const again = await client.subscribe(room, { epoch, since: 2 });
    assert.deepEqual(again, { type: 'subscribed', room, epoch, seq: 2 });
    await client.close();
  });

  it('groups a long replay into batch frames', async () => {
    // Retention 5 here, so replay 5 events: more than one event goes into one batch frame.
    const room = await roomWithEvents(6);
    const client = await WsClient.connect(server);
    const { epoch } = await client.subscribe(room);
    client.send({ type: 'subscribe', room, epoch, since: 1 });
    const batch = await client.next('batch');
    assert.deepEqual(batch.events.map((e) => e.seq), [2, 3, 4, 5, 6]);
    assert.equal((await client.next('subscribed')).seq, 6);
    await client.close();
  });

  it('sends a snapshot when the epoch differs', async () => {
    const room = await roomWithEvents(2);
    const client = await WsClient.connect(server);
    const opening = await client.subscribe(room, { epoch: 'another-database', since: 1 });
    assert.ok(opening.type === 'snapshot' && opening.seq === 2);
    await client.close();
  });

  it('sends a snapshot when since is ahead of the server', async () => {
    const room = await roomWithEvents(2);
    const client = await WsClient.connect(server);
    const { epoch } = await client.subscribe(room);
    const opening = await client.subscribe(room, { epoch, since: 9 });
    assert.ok(opening.type === 'snapshot' && opening.seq === 2);
    await client.close();
  });

  it('sends a snapshot when since is older than the retained log', async () => {
    const room = await roomWithEvents(8); // retention 5: events 4..8 are kept
    const client = await WsClient.connect(server);
    const { epoch } = await client.subscribe(room);
    const tooOld = await client.subscribe(room, { epoch, since: 2 });
    assert.ok(tooOld.type === 'snapshot' && tooOld.seq === 8 && tooOld.markers.length === 8);
    // since = oldest retained - 1 can still be replayed.
    client.send({ type: 'subscribe', room, epoch, since: 3 });
    const batch = await client.next('batch');
    assert.deepEqual(batch.events.map((e) => e.seq), [4, 5, 6, 7, 8]);
    await client.next('subscribed');
    await client.close();
  });

  it('stops delivering after unsubscribe', async () => {
    const room = await roomWithEvents(0);
    const other = `room-${uuid()}`;
    const client = await WsClient.connect(server);
    await client.subscribe(room);
    await client.subscribe(other);
    client.send({ type: 'unsubscribe', room });
    await writer.op(ops.createMarker(room));
    await writer.op(ops.createMarker(other));
    // Frames arrive in order: the event for `other` comes, and none for `room` came before it.
    const next = await client.next((m) => m.type === 'new-image-chat');
    assert.equal(next.type === 'new-image-chat' && next.room, other);
    await client.close();
  });

  it('limits subscriptions per connection', async () => {
    const limited = await startTestServer({ limits: { maxSubscriptionsPerConnection: 2 } });
    const client = await WsClient.connect(limited);
    await client.subscribe('a');
    await client.subscribe('b');
    client.send({ type: 'subscribe', room: 'c' });
    const error = await client.next('error');
    assert.equal(error.code, 'too-large');
    assert.equal(error.room, 'c');
    await client.close();
    await limited.stop();
  });
});
