import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Marker, MarkerUpdatedEvent } from '../../protocol/messages.js';
import { ops, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

describe('ops', () => {
  let server: TestServer;
  let alice: WsClient;
  let bob: WsClient;
  before(async () => {
    server = await startTestServer();
    alice = await WsClient.connect(server);
    bob = await WsClient.connect(server);
  });
  after(async () => {
    await Promise.all([alice.close(), bob.close()]);
    await server.stop();
  });

  /** Both clients subscribe to a fresh room; alice creates a marker in it. */
  async function roomWithMarker(text = 'First!') {
    const room = `room-${uuid()}`;
    await alice.subscribe(room);
    await bob.subscribe(room);
    const op = ops.createMarker(room, text);
    assert.equal((await alice.op(op)).type, 'ack');
    const marker = (await alice.event(room)) as { marker: Marker };
    await bob.event(room);
    return { room, marker: marker.marker, commentId: op.comment.id };
  }

  it('create-marker: acks and broadcasts new-image-chat with the trimmed first comment to every subscriber', async () => {
    const room = `room-${uuid()}`;
    await alice.subscribe(room);
    await bob.subscribe(room);
    const op = ops.createMarker(room, '  Move the logo left  ', 12.5, 99.75);
    const ack = await alice.op(op);
    assert.deepEqual(ack, { type: 'ack', broadcastId: op.broadcastId, seq: 1 });
    for (const client of [alice, bob]) {
      const event = await client.event(room);
      assert.equal(event.type, 'new-image-chat');
      if (event.type !== 'new-image-chat') return;
      assert.equal(event.seq, 1);
      assert.equal(event.broadcastId, op.broadcastId);
      assert.equal(event.marker.id, op.marker.id);
      assert.equal(event.marker.x, 12.5);
      assert.equal(event.marker.y, 99.75);
      assert.equal(event.marker.resolved, false);
      assert.equal(event.marker.author.id, alice.user.id);
      assert.equal(event.marker.comments.length, 1);
      assert.equal(event.marker.comments[0].text, 'Move the logo left');
      assert.equal(typeof event.marker.createdAt, 'number');
    }
  });

  it('add-comment: anyone may reply; broadcasts comment-added', async () => {
    const { room, marker } = await roomWithMarker();
    const op = ops.addComment(room, marker.id, 'Agreed');
    assert.equal((await bob.op(op)).type, 'ack');
    for (const client of [alice, bob]) {
      const event = (await client.event(room)) as MarkerUpdatedEvent;
      assert.equal(event.type, 'image-chat-updated');
      assert.equal(event.seq, 2);
      assert.equal(event.change.kind, 'comment-added');
      assert.ok(event.change.kind === 'comment-added' && event.change.comment.author.id === bob.user.id);
    }
  });

  it('edit-comment: the author edits; broadcasts comment-edited with editedAt', async () => {
    const { room, marker, commentId } = await roomWithMarker();
    assert.equal((await alice.op(ops.editComment(room, marker.id, commentId, ' Second thoughts '))).type, 'ack');
    const event = (await bob.event(room)) as MarkerUpdatedEvent;
    assert.equal(event.change.kind, 'comment-edited');
    if (event.change.kind !== 'comment-edited') return;
    assert.equal(event.change.comment.text, 'Second thoughts');
    assert.equal(typeof event.change.comment.editedAt, 'number');
    await alice.event(room);
  });

  it('delete-comment: removes a reply with comment-deleted', async () => {
    const { room, marker } = await roomWithMarker();
    const reply = ops.addComment(room, marker.id);
    await bob.op(reply);
    await alice.event(room);
    await bob.event(room);
    assert.equal((await bob.op(ops.deleteComment(room, marker.id, reply.comment.id))).type, 'ack');
    const event = (await alice.event(room)) as MarkerUpdatedEvent;
    assert.deepEqual(event.change, { kind: 'comment-deleted', commentId: reply.comment.id });
    await bob.event(room);
  });

  it("delete-comment of a marker's last comment deletes the marker with one deleted-image-chat", async () => {
    const { room, marker, commentId } = await roomWithMarker();
    const op = ops.deleteComment(room, marker.id, commentId);
    const ack = await alice.op(op);
    assert.equal(ack.type, 'ack');
    const event = await bob.event(room);
    assert.deepEqual(event, { type: 'deleted-image-chat', room, broadcastId: op.broadcastId, markerId: marker.id, seq: 2 });
    await alice.event(room);
    const snapshot = await alice.subscribe(room);
    assert.ok(snapshot.type === 'snapshot' && snapshot.markers.length === 0);
  });

  it('move-marker: broadcasts marker-moved', async () => {
    const { room, marker } = await roomWithMarker();
    assert.equal((await alice.op(ops.moveMarker(room, marker.id, 0, 100))).type, 'ack');
    const event = (await bob.event(room)) as MarkerUpdatedEvent;
    assert.deepEqual(event.change, { kind: 'marker-moved', x: 0, y: 100 });
    await alice.event(room);
  });

  it('resolve-marker: broadcasts marker-resolved', async () => {
    const { room, marker } = await roomWithMarker();
    assert.equal((await alice.op(ops.resolveMarker(room, marker.id, true))).type, 'ack');
    const event = (await bob.event(room)) as MarkerUpdatedEvent;
    assert.deepEqual(event.change, { kind: 'marker-resolved', resolved: true });
    await alice.event(room);
  });

  it('delete-marker: broadcasts deleted-image-chat', async () => {
    const { room, marker } = await roomWithMarker();
    const op = ops.deleteMarker(room, marker.id);
    assert.equal((await alice.op(op)).type, 'ack');
    const event = await bob.event(room);
    assert.equal(event.type, 'deleted-image-chat');
    assert.equal(event.broadcastId, op.broadcastId);
    await alice.event(room);
  });

  it('an op on a room the connection has not subscribed to is allowed', async () => {
    const ack = await bob.op(ops.createMarker(`unsubscribed-${uuid()}`));
    assert.deepEqual([ack.type, ack.type === 'ack' && ack.seq], ['ack', 1]);
  });

  describe('rights', () => {
    it("forbids editing, deleting or moving another user's comment or marker, and changes nothing", async () => {
      const { room, marker, commentId } = await roomWithMarker();
      for (const op of [
        ops.editComment(room, marker.id, commentId, 'mine now'),
        ops.deleteComment(room, marker.id, commentId),
        ops.moveMarker(room, marker.id, 50, 50),
        ops.deleteMarker(room, marker.id),
      ]) {
        const reply = await bob.op(op);
        assert.equal(reply.type, 'error', op.type);
        assert.equal(reply.type === 'error' && reply.code, 'forbidden', op.type);
      }
      const snapshot = await bob.subscribe(room);
      assert.ok(snapshot.type === 'snapshot');
      assert.deepEqual(snapshot.markers, [marker], 'the refused ops changed nothing');
    });

    it("lets a guest resolve and reopen another guest's marker: acked and broadcast", async () => {
      const { room, marker } = await roomWithMarker();
      for (const resolved of [true, false]) {
        const op = ops.resolveMarker(room, marker.id, resolved);
        const reply = await bob.op(op);
        assert.equal(reply.type, 'ack', JSON.stringify(reply));
        const event = (await alice.event(room)) as MarkerUpdatedEvent;
        assert.deepEqual([event.broadcastId, event.change], [op.broadcastId, { kind: 'marker-resolved', resolved }]);
      }
    });
  });

  describe('errors', () => {
    it('not-found for ops on a missing marker or comment', async () => {
      const { room, marker } = await roomWithMarker();
      for (const op of [
        ops.addComment(room, uuid()),
        ops.editComment(room, marker.id, uuid(), 'x'),
        ops.deleteComment(room, uuid(), uuid()),
        ops.moveMarker(room, uuid(), 1, 1),
        ops.resolveMarker(room, uuid(), true),
        ops.deleteMarker(room, uuid()),
      ]) {
        const reply = await alice.op(op);
        assert.equal(reply.type === 'error' && reply.code, 'not-found', op.type);
      }
    });

    it('conflict for a marker id that already exists', async () => {
      const { room, marker } = await roomWithMarker();
      const op = { ...ops.createMarker(room), marker: { id: marker.id, x: 1, y: 1 } };
      const reply = await alice.op(op);
      assert.equal(reply.type === 'error' && reply.code, 'conflict');
    });

    it('bad-request for wrong shapes, bad UUIDs, coordinates out of range and bad text', async () => {
      const room = `room-${uuid()}`;
      const base = ops.createMarker(room);
      const cases: unknown[] = [
        { ...base, marker: { ...base.marker, id: 'not-a-uuid' } },
        { ...base, broadcastId: 'nope' },
        { ...base, marker: { ...base.marker, x: 100.5 } },
        { ...base, marker: { ...base.marker, y: -1 } },
        { ...base, marker: { ...base.marker, x: '10' } },
        { ...base, comment: { ...base.comment, text: '   ' } },
        { ...base, comment: { ...base.comment, text: 'x'.repeat(2001) } },
        { ...base, room: '' },
        { ...base, room: 'r'.repeat(257) },
        { ...ops.resolveMarker(room, uuid(), true), resolved: 'yes' },
      ];
      for (const op of cases) {
        alice.send(op);
        const reply = await alice.next('error');
        assert.equal(reply.code, 'bad-request', JSON.stringify(op).slice(0, 120));
      }
      // The error carries the broadcastId when the frame had one, so the client can match it to its op.
      alice.send({ ...base, marker: { ...base.marker, x: 101 } });
      assert.equal((await alice.next('error')).broadcastId, base.broadcastId);
      // 2000 characters after trimming are fine.
      const long = { ...ops.createMarker(room), comment: { id: uuid(), text: ` ${'y'.repeat(2000)} ` } };
      assert.equal((await alice.op(long)).type, 'ack');
    });

    it('keeps the connection open after bad frames', async () => {
      alice.send('{not json');
      assert.equal((await alice.next('error')).code, 'bad-request');
      alice.send({ type: 'no-such-message' });
      assert.equal((await alice.next('error')).code, 'bad-request');
      alice.send(JSON.stringify([1, 2, 3]));
      assert.equal((await alice.next('error')).code, 'bad-request');
      alice.send('{"type":"subscribe","room":"r","__proto__":{"polluted":true}}');
      await alice.next((m) => m.type === 'snapshot' && m.room === 'r');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      const ack = await alice.op(ops.createMarker(`room-${uuid()}`));
      assert.equal(ack.type, 'ack');
    });
  });
});
