// Unit tests of src/net/connection.ts against a fake WebSocket (the real server is exercised by the browser tests).
// Kept in src/core/ so that `npm run test:unit` (src/core/*.test.ts) runs them.
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Connection, webSocketUrl } from '../net/connection.js';
import type { RoomMessage } from '../net/types.js';
import { FakeSocket, installFakes, store } from '../test/fake-socket.js';

const welcome = { type: 'welcome', protocol: 1, user: { id: 'u1', name: 'Ana' }, guestToken: 'guest-token-1' };
const op = (broadcastId: string) =>
  ({ type: 'resolve-marker', room: 'r', broadcastId, markerId: 'm', resolved: true }) as const;

function connect(): { connection: Connection; socket: FakeSocket } {
  const connection = new Connection({ server: 'http://chat.test', tenant: 'demo', ackTimeoutMs: 50 });
  const socket = FakeSocket.instances.at(-1)!;
  return { connection, socket };
}

function openWith(socket: FakeSocket): void {
  socket.open();
  socket.receive(welcome);
}

describe('Connection', () => {
  beforeEach(installFakes);
  afterEach(() => {
    mock.timers.reset();
  });

  it('builds the WebSocket URL from the server URL', () => {
    assert.equal(webSocketUrl('http://a.test'), 'ws://a.test/ws');
    assert.equal(webSocketUrl('https://a.test/chat/'), 'wss://a.test/chat/ws');
  });

  it('says hello, keeps the guest token and reuses it next time', () => {
    const { connection, socket } = connect();
    assert.equal(connection.state, 'connecting');
    socket.open();
    assert.deepEqual(socket.sent[0], { type: 'hello', protocol: 1, tenant: 'demo' });
    socket.receive(welcome);
    assert.equal(connection.state, 'open');
    assert.deepEqual(connection.user, welcome.user);
    connection.close();
    const second = connect();
    second.socket.open();
    assert.deepEqual(second.socket.sent[0], { type: 'hello', protocol: 1, tenant: 'demo', token: 'guest-token-1' });
    second.connection.close();
  });

  it('routes room messages to subscribers and splits batch frames', () => {
    const { connection, socket } = connect();
    const seen: RoomMessage[] = [];
    const other: RoomMessage[] = [];
    connection.subscribe('r', { onMessage: (m) => seen.push(m), position: () => undefined });
    connection.subscribe('s', { onMessage: (m) => other.push(m), position: () => undefined });
    openWith(socket);
    assert.deepEqual(socket.sent.slice(1), [{ type: 'subscribe', room: 'r' }, { type: 'subscribe', room: 's' }]);
    const event = (room: string, seq: number) => ({ type: 'deleted-image-chat', room, seq, broadcastId: `b${seq}`, markerId: 'm' });
    socket.receive({ type: 'batch', events: [event('r', 1), event('s', 1), event('r', 2)] });
    assert.deepEqual(seen.map((m) => (m as { seq: number }).seq), [1, 2]);
    assert.equal(other.length, 1);
    connection.close();
  });

  it('resolves an op on its ack and rejects it on its error', async () => {
    const { connection, socket } = connect();
    openWith(socket);
    const acked = connection.sendOp(op('b1'));
    const refused = connection.sendOp(op('b2'));
    socket.receive({ type: 'error', broadcastId: 'b2', code: 'forbidden', message: 'not yours' });
    socket.receive({ type: 'ack', broadcastId: 'b1', seq: 7 });
    assert.deepEqual(await acked, { type: 'ack', broadcastId: 'b1', seq: 7 });
    await assert.rejects(refused, { code: 'forbidden', message: 'not yours' });
    connection.close();
  });

  it('fails an op at once while not connected, and sends nothing later', async () => {
    const { connection, socket } = connect();
    await assert.rejects(connection.sendOp(op('b1')), { code: 'unavailable' });
    openWith(socket);
    assert.ok(!socket.sent.some((m) => m.type === 'resolve-marker'));
    connection.close();
  });

  it('fails an op whose ack does not come in time', async () => {
    const { connection, socket } = connect();
    openWith(socket);
    await assert.rejects(connection.sendOp(op('b1')), { code: 'unavailable' });
    connection.close();
  });

  it('keeps in-flight ops pending across a reconnect; the resync confirms the replayed one and fails the other', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const { connection, socket } = connect();
    let position = { epoch: 'e1', since: 41 };
    connection.subscribe('r', { onMessage: (m) => m.type !== 'subscribed' && (position = { epoch: 'e1', since: (m as { seq: number }).seq }), position: () => position });
    openWith(socket);
    const replayed = connection.sendOp(op('b1'));
    const lost = connection.sendOp(op('b2'));
    socket.close(1006);
    assert.equal(connection.state, 'reconnecting');
    mock.timers.tick(25_000); // far beyond the ack timeout and the longest backoff: lost ops wait for the resync
    const next = FakeSocket.instances.at(-1)!;
    assert.notEqual(next, socket);
    openWith(next);
    assert.equal(connection.state, 'open');
    assert.deepEqual(next.sent.at(-1), { type: 'subscribe', room: 'r', epoch: 'e1', since: 41 });
    assert.ok(!next.sent.some((m) => m.type === 'resolve-marker')); // never resent by itself
    next.receive({ type: 'image-chat-updated', room: 'r', seq: 42, broadcastId: 'b1', markerId: 'm', change: { kind: 'marker-resolved', resolved: true } });
    next.receive({ type: 'subscribed', room: 'r', epoch: 'e1', seq: 42 });
    assert.deepEqual(await replayed, { type: 'ack', broadcastId: 'b1', seq: 42 });
    await assert.rejects(lost, { code: 'unavailable' });
    connection.close();
  });

  it('fails a lost op after lostTimeoutMs when no resync comes', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const connection = new Connection({ server: 'http://chat.test', tenant: 'demo', lostTimeoutMs: 1000, maxDelayMs: 100_000, minDelayMs: 100_000 });
    const socket = FakeSocket.instances.at(-1)!;
    openWith(socket);
    const lost = connection.sendOp(op('b1'));
    socket.close(1006);
    mock.timers.tick(1000);
    await assert.rejects(lost, { code: 'unavailable', message: /could not be confirmed/ });
    connection.close();
  });

  it('treats a link with no message for livenessMs as dead, and reconnects', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    const connection = new Connection({ server: 'http://chat.test', tenant: 'demo', livenessMs: 1000 });
    const socket = FakeSocket.instances.at(-1)!;
    openWith(socket);
    mock.timers.tick(900);
    socket.receive({ type: 'ping' }); // any message proves it alive
    mock.timers.tick(900);
    assert.equal(connection.state, 'open');
    mock.timers.tick(100);
    assert.equal(socket.readyState, 3);
    assert.equal(connection.state, 'reconnecting');
    mock.timers.tick(1000);
    assert.notEqual(FakeSocket.instances.at(-1), socket);
    connection.close();
  });

  it('starts over as a new guest when the stored guest token is refused', () => {
    store.set('image-chat:guest:http://chat.test|demo', 'stale');
    const { connection, socket } = connect();
    socket.open();
    socket.close(4401);
    assert.equal(store.size, 0);
    const next = FakeSocket.instances.at(-1)!;
    next.open();
    assert.deepEqual(next.sent[0], { type: 'hello', protocol: 1, tenant: 'demo' });
    connection.close();
  });

  it('reports a refused token and stops', () => {
    const connection = new Connection({ server: 'http://chat.test', tenant: 'demo', token: 'bad' });
    const errors: string[] = [];
    connection.listen({ onError: (e, action) => errors.push(`${e.code}/${action}`) });
    const socket = FakeSocket.instances.at(-1)!;
    socket.open();
    socket.close(4401);
    assert.deepEqual(errors, ['unauthorized/auth']);
    assert.equal(connection.state, 'closed');
    assert.equal(FakeSocket.instances.length, 1);
  });

  it('re-authenticates in place without re-subscribing', () => {
    const { connection, socket } = connect();
    connection.subscribe('r', { onMessage: () => {}, position: () => undefined });
    openWith(socket);
    const users: string[] = [];
    connection.listen({ onUser: (u) => users.push(u.id) });
    connection.authenticate('fresh');
    assert.deepEqual(socket.sent.at(-1), { type: 'auth', token: 'fresh' });
    socket.receive({ type: 'welcome', protocol: 1, user: { id: 'u2', name: 'Bia' } });
    assert.deepEqual(users, ['u2']);
    assert.equal(socket.sent.filter((m) => m.type === 'subscribe').length, 1);
    connection.close();
  });
});
