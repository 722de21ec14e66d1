// RoomController under Node with a fake host and a fake WebSocket: the sync rules of SPEC §2 end to end on the
// client (gap → resubscribe from `since`, replay applied, optimistic ops and their rollback).
// Kept in src/core/ so that `npm run test:unit` (src/core/*.test.ts) runs it.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RoomController } from '../controllers/room-controller.js';
import { FakeSocket, advance, fakeHost, installFakes } from '../test/fake-socket.js';

let serial = 0;

async function setup() {
  const { host, events } = fakeHost();
  // A server URL of its own per test: the connection registry is page-wide.
  const controller = new RoomController(host, () => ({ server: `http://rc${++serial}.test`, tenant: 'demo', room: 'r' }));
  controller.hostConnected();
  await advance();
  const socket = FakeSocket.instances.at(-1)!;
  socket.open();
  socket.receive({ type: 'welcome', protocol: 1, user: { id: 'me', name: 'Ana' } });
  socket.receive({ type: 'snapshot', room: 'r', epoch: 'e1', seq: 5, markers: [] });
  return { controller, socket, events };
}

const marker = (id: string, author = 'other') => ({
  id,
  x: 1,
  y: 2,
  resolved: false,
  createdAt: 1,
  author: { id: author, name: author },
  comments: [{ id: `${id}-c`, text: 'hi', createdAt: 1, author: { id: author, name: author } }],
});
const created = (seq: number, id: string, broadcastId = `b-${seq}`) => ({ type: 'new-image-chat', room: 'r', seq, broadcastId, marker: marker(id) });
const subscribes = (socket: FakeSocket) => socket.sent.filter((m) => m.type === 'subscribe');

describe('RoomController', () => {
  beforeEach(installFakes);

  it('applies events in order and re-subscribes from its seq on a gap, once', async () => {
    const { controller, socket } = await setup();
    socket.receive(created(6, 'a'));
    assert.equal(controller.state.seq, 6);
    socket.receive(created(9, 'd')); // 7 and 8 went missing
    assert.deepEqual(subscribes(socket).at(-1), { type: 'subscribe', room: 'r', epoch: 'e1', since: 6 });
    socket.receive(created(10, 'e')); // a live event ahead of the replay: no second resubscribe
    assert.equal(subscribes(socket).length, 2);
    for (const [seq, id] of [[7, 'b'], [8, 'c'], [9, 'd'], [10, 'e']] as const) socket.receive(created(seq, id));
    socket.receive({ type: 'subscribed', room: 'r', epoch: 'e1', seq: 10 });
    assert.deepEqual(controller.markers.map((m) => m.id), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(subscribes(socket).length, 2);
    socket.receive(created(11, 'f'));
    assert.equal(controller.markers.length, 6);
    controller.hostDisconnected();
  });

  it('reports changes by others as remote and announces new markers', async () => {
    const { controller, socket, events } = await setup();
    socket.receive(created(6, 'a'));
    const change = events.find((e) => e.type === 'image-chat-change')!;
    assert.deepEqual(change.detail, { kind: 'created', markerId: 'a', origin: 'remote' });
    assert.deepEqual(controller.announcements.map((m) => m.id), ['a']);
    controller.hostDisconnected();
  });

  it('shows its own op at once, retires it on its echo and reports it as local on the ack', async () => {
    const { controller, socket, events } = await setup();
    const result = controller.createMarker(10, 20, 'mine', 'm1');
    assert.equal(controller.markers.length, 1);
    const op = socket.sent.at(-1) as { broadcastId: string; type: string };
    assert.equal(op.type, 'create-marker');
    socket.receive({ ...created(6, 'm1', op.broadcastId), marker: { ...marker('m1', 'me'), x: 10, y: 20 } });
    assert.equal(controller.state.pending.length, 0);
    assert.equal(controller.markers.length, 1);
    socket.receive({ type: 'ack', broadcastId: op.broadcastId, seq: 6 });
    assert.deepEqual(await result, { ok: true });
    const changes = events.filter((e) => e.type === 'image-chat-change').map((e) => e.detail);
    assert.deepEqual(changes, [{ kind: 'created', markerId: 'm1', origin: 'local' }]);
    controller.hostDisconnected();
  });

  it('rolls a refused op back and fires image-chat-error with its action', async () => {
    const { controller, socket, events } = await setup();
    socket.receive(created(6, 'a'));
    const result = controller.addComment('a', 'reply');
    assert.equal(controller.markers[0].comments.length, 2);
    const op = socket.sent.at(-1) as { broadcastId: string };
    socket.receive({ type: 'error', broadcastId: op.broadcastId, code: 'not-found', message: 'gone' });
    const outcome = await result;
    assert.equal(outcome.ok, false);
    assert.equal(controller.markers[0].comments.length, 1);
    const error = events.find((e) => e.type === 'image-chat-error')!;
    assert.deepEqual(error.detail, { code: 'not-found', message: 'gone', action: 'add-comment' });
    controller.hostDisconnected();
  });

  it('fails an op at once while disconnected, queueing nothing', async () => {
    const { controller, socket } = await setup();
    socket.close(1006);
    const outcome = await controller.resolveMarker('a', true);
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.error.code, 'unavailable');
    assert.equal(controller.state.pending.length, 0);
    controller.hostDisconnected();
  });
});
