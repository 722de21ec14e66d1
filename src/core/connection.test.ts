// Unit tests of src/net/connection.ts against a fake WebSocket (the real server is exercised by the browser tests).
// Kept in src/core/ so that `npm run test:unit` (src/core/*.test.ts) runs them.
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../net/connection.js';
import { connectionOptions } from '../net/options.js';
import { webSocketUrl } from '../net/transport-choice.js';
import type { RoomMessage } from '../net/types.js';
import { FakeSocket, advance, installFakes, store } from '../test/fake-socket.js';

const welcome = { type: 'welcome', protocol: 1, user: { id: 'u1', name: 'Ana' }, guestToken: 'guest-token-1' };
const op = (broadcastId: string) =>
  ({ type: 'resolve-marker', room: 'r', broadcastId, markerId: 'm', resolved: true }) as const;

/** A connection and the socket reconnecting-websocket made for it (after its first, immediate, timer). */
async function connect(options: Partial<ConstructorParameters<typeof Connection>[0]> = {}): Promise<{ connection: Connection; socket: FakeSocket }> {
  const connection = made({ server: 'http://chat.test', tenant: 'demo', ackTimeoutMs: 50, ...options });
  await advance();
  const socket = FakeSocket.instances.at(-1)!;
  assert.ok(socket, 'no socket made');
  return { connection, socket };
}

function openWith(socket: FakeSocket): void {
  socket.open();
  socket.receive(welcome);
}

/** Every connection a test made, closed after it (a failed test must not leave one reconnecting). */
const connections: Connection[] = [];
function made(options: ConstructorParameters<typeof Connection>[0]): Connection {
  const connection = new Connection(options);
  connections.push(connection);
  return connection;
}
afterEach(() => {
  for (const connection of connections.splice(0)) connection.close();
});

describe('Connection', () => {
  beforeEach(installFakes);
  afterEach(() => {
    mock.timers.reset();
  });

  it('validates its options, stating the rule', () => {
    assert.throws(() => connectionOptions({ server: 'http://chat.test', tenant: 'demo', ackTimeoutMs: -1 }), { name: 'TypeError', message: /ackTimeoutMs must be a positive number/ });
    assert.throws(() => connectionOptions({ server: 'http://chat.test', tenant: 'demo', transport: 'carrier-pigeon' as 'sse' }), /transport must be one of auto, websocket, sse/);
    assert.throws(() => connectionOptions({ server: 'http://chat.test', tenant: '' }), /tenant must be a non-empty string/);
    assert.equal(connectionOptions({ server: 'http://chat.test', tenant: 'demo', ackTimeoutMs: undefined }).ackTimeoutMs, 10_000);
  });

  it('reports a subscriber that throws as internal and asks for a fresh snapshot of its room', async () => {
    const { connection, socket } = await connect();
    const faults: string[] = [];
    const console_error = console.error;
    console.error = () => {};
    try {
      connection.subscribe('r', {
        onMessage: (m) => {
          if (m.type === 'snapshot') throw new Error('a bug in the reducer');
        },
        position: () => ({ epoch: 'e1', since: 3 }),
        onFault: (e) => faults.push(`${e.code}: ${e.message}`),
      });
      openWith(socket);
      socket.receive({ type: 'snapshot', room: 'r', epoch: 'e1', seq: 3, markers: [] });
      assert.equal(faults.length, 1);
      assert.match(faults[0], /^internal: .*a bug in the reducer/);
      await advance(1000);
      assert.deepEqual(socket.sent.at(-1), { type: 'subscribe', room: 'r' }); // fresh: not from the state the fault left
      assert.equal(connection.state, 'open');
    } finally {
      console.error = console_error;
      connection.close();
    }
  });

  it('builds the WebSocket URL from the server URL', async () => {
    assert.equal(webSocketUrl('http://a.test'), 'ws://a.test/ws');
    assert.equal(webSocketUrl('https://a.test/chat/'), 'wss://a.test/chat/ws');
  });

  it('says hello, keeps the guest token and reuses it next time', async () => {
    const { connection, socket } = await connect();
    assert.equal(connection.state, 'connecting');
    socket.open();
    assert.deepEqual(socket.sent[0], { type: 'hello', protocol: 1, tenant: 'demo' });
    socket.receive(welcome);
    assert.equal(connection.state, 'open');
    assert.deepEqual(connection.user, welcome.user);
    connection.close();
    const second = await connect();
    second.socket.open();
    assert.deepEqual(second.socket.sent[0], { type: 'hello', protocol: 1, tenant: 'demo', token: 'guest-token-1' });
    second.connection.close();
  });

  it('routes room messages to subscribers and splits batch frames', async () => {
    const { connection, socket } = await connect();
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
    const { connection, socket } = await connect();
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
    const { connection, socket } = await connect();
    await assert.rejects(connection.sendOp(op('b1')), { code: 'unavailable' });
    openWith(socket);
    assert.ok(!socket.sent.some((m) => m.type === 'resolve-marker'));
    connection.close();
  });

  it('fails an op whose ack does not come in time', async () => {
    const { connection, socket } = await connect();
    openWith(socket);
    const rejected = assert.rejects(connection.sendOp(op('b1')), { code: 'unavailable' });
    await advance(50);
    await rejected;
    connection.close();
  });

  it('keeps in-flight ops pending across a reconnect; the resync confirms the replayed one and fails the other', async () => {
    const { connection, socket } = await connect();
    let position = { epoch: 'e1', since: 41 };
    connection.subscribe('r', { onMessage: (m) => m.type !== 'subscribed' && (position = { epoch: 'e1', since: (m as { seq: number }).seq }), position: () => position });
    openWith(socket);
    const replayed = connection.sendOp(op('b1'));
    const lost = connection.sendOp(op('b2'));
    socket.close(1006);
    assert.equal(connection.state, 'reconnecting');
    await advance(25_000); // far beyond the ack timeout and the longest backoff: lost ops wait for the resync
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
    const { connection, socket } = await connect({ lostTimeoutMs: 1000, maxDelayMs: 100_000, minDelayMs: 100_000 });
    openWith(socket);
    const lost = assert.rejects(connection.sendOp(op('b1')), { code: 'unavailable', message: /could not be confirmed/ });
    socket.close(1006);
    await advance(1000);
    await lost;
    connection.close();
  });

  it('treats a link with no message for livenessMs as dead, and reconnects', async () => {
    const { connection, socket } = await connect({ livenessMs: 1000 });
    openWith(socket);
    await advance(900);
    socket.receive({ type: 'ping' }); // any message proves it alive
    await advance(900);
    assert.equal(connection.state, 'open');
    await advance(100);
    assert.equal(socket.readyState, 3);
    assert.equal(connection.state, 'reconnecting');
    await advance(); // a dead link is replaced at once
    assert.notEqual(FakeSocket.instances.at(-1), socket);
    connection.close();
  });

  it('starts over as a new guest when the stored guest token is refused', async () => {
    store.set('image-chat:guest:http://chat.test|demo', 'stale');
    const { connection, socket } = await connect();
    socket.open();
    socket.close(4401);
    assert.equal(store.size, 0);
    await advance(); // at once: no backoff for a new guest
    const next = FakeSocket.instances.at(-1)!;
    assert.notEqual(next, socket);
    next.open();
    assert.deepEqual(next.sent[0], { type: 'hello', protocol: 1, tenant: 'demo' });
    connection.close();
  });

  it('reports a refused token and stops', async () => {
    const { connection, socket } = await connect({ token: 'bad' });
    const errors: string[] = [];
    connection.listen({ onError: (e, action) => errors.push(`${e.code}/${action}`) });
    socket.open();
    socket.receive({ type: 'error', code: 'unauthorized', message: 'the token has expired' });
    socket.close(4401);
    assert.deepEqual(errors, ['unauthorized/auth']);
    assert.equal(connection.state, 'closed');
    await advance(60_000); // no retries, however long
    assert.equal(FakeSocket.instances.length, 1);
    // A new token starts it again, at once; a later refusal has its own reason, not the first one's.
    connection.authenticate('fresh');
    await advance();
    const next = FakeSocket.instances.at(-1)!;
    assert.notEqual(next, socket);
    next.open();
    assert.deepEqual(next.sent[0], { type: 'hello', protocol: 1, tenant: 'demo', token: 'fresh' });
    const messages: string[] = [];
    connection.listen({ onError: (e) => messages.push(e.message) });
    next.close(4401);
    assert.deepEqual(messages, ['The server refused this connection.']);
  });

  it('re-authenticates in place without re-subscribing', async () => {
    const { connection, socket } = await connect();
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
