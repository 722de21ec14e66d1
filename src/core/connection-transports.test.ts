// Connection over its transports, against fakes (the real proxy and SSE are in the browser tests): `auto` with a blocked
// WebSocket with HTTP answering → SSE, and back to WebSocket when a later probe gets through; a server that is down
// (HTTP failing too) stays on WebSocket, reconnecting. SSE: one stream, reopened with current positions; 401 → stop.
// Kept in src/core/ so that `npm run test:unit` (src/core/*.test.ts) runs it.
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../net/connection.js';
import { FakeSocket, advance, flush, installFakes, store } from '../test/fake-socket.js';
// Loaded by the connection on demand; loaded here first so that its import resolves within one `advance()`.
import '../net/transport-sse.js';

class FakeEventSource {
  static instances: FakeEventSource[] = [];
  onopen?: () => void;
  readonly listeners = new Map<string, (e: unknown) => void>();
  closed = false;
  constructor(readonly url: URL) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(type: string, listener: (e: unknown) => void): void {
    this.listeners.set(type, listener);
  }
  close(): void {
    this.closed = true;
  }
  emit(type: string, data: unknown): void {
    this.listeners.get(type)?.({ type, data: JSON.stringify(data) });
  }
}

const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });

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

describe('Connection, transport auto', () => {
  let httpUp = true;
  let refusedWith = 200;
  beforeEach(() => {
    refusedWith = 200;
    installFakes();
    FakeEventSource.instances = [];
    (globalThis as Record<string, unknown>).EventSource = FakeEventSource;
    httpUp = true;
    mock.method(globalThis, 'fetch', async (url: string) => {
      if (!httpUp) throw new TypeError('fetch failed');
      if (String(url).includes('/markers')) return new Response('{}', { status: refusedWith });
      if (String(url).includes('/api/guest')) return json({ token: 'x.eyJzdWIiOiJndWVzdDoxIiwibmFtZSI6IkFuYSJ9.y', user: { id: 'guest:1', name: 'Ana' } });
      return json({ status: 'ok' });
    });
  });
  afterEach(() => {
    mock.timers.reset();
    mock.restoreAll();
  });

  /** Refuses the latest WebSocket before it ever opened, and waits past the backoff (≤ maxDelayMs) for the next attempt. */
  async function failWebSocket(): Promise<void> {
    await advance();
    FakeSocket.instances.at(-1)!.close(1006);
    await advance(1000);
  }

  it('falls back to SSE when upgrades fail while HTTP answers, then switches back when a probe gets through', async () => {
    const connection = made({ server: 'http://chat.test', tenant: 'demo', webSocketRetryMs: 60_000, maxDelayMs: 1000, livenessMs: 120_000 });
    const states: string[] = [];
    connection.listen({ onState: (s) => states.push(`${s}/${connection.transport}`) });
    connection.subscribe('r', { onMessage: () => {}, position: () => ({ epoch: 'e1', since: 3 }) });
    for (let i = 0; i < 5 && FakeEventSource.instances.length === 0; i++) await failWebSocket();
    const source = FakeEventSource.instances.at(-1)!;
    assert.ok(source, 'no SSE stream opened');
    assert.equal(source.url.pathname, '/api/events');
    assert.deepEqual(source.url.searchParams.getAll('sub'), ['r@e1:3']);
    source.onopen!();
    assert.equal(connection.state, 'open');
    assert.equal(connection.transport, 'sse');
    assert.deepEqual(connection.user, { id: 'guest:1', name: 'Ana' });
    // A minute later a WebSocket probe gets through: back to WebSocket.
    const before = FakeSocket.instances.length;
    await advance(60_000);
    const probe = FakeSocket.instances.at(-1)!;
    assert.equal(FakeSocket.instances.length, before + 1);
    probe.open();
    assert.equal(source.closed, true);
    await advance();
    const next = FakeSocket.instances.at(-1)!;
    assert.notEqual(next, probe);
    next.open();
    next.receive({ type: 'welcome', protocol: 1, user: { id: 'guest:1', name: 'Ana' } });
    assert.equal(connection.transport, 'websocket');
    assert.deepEqual(next.sent.at(-1), { type: 'subscribe', room: 'r', epoch: 'e1', since: 3 });
    assert.deepEqual(states.filter((s) => s.startsWith('open')), ['open/sse', 'open/websocket']);
    connection.close();
  });

  it('stays on WebSocket, reconnecting, when HTTP fails too (a server that is down)', async () => {
    httpUp = false;
    const connection = made({ server: 'http://chat.test', tenant: 'demo', maxDelayMs: 1000 });
    for (let i = 0; i < 6; i++) await failWebSocket();
    assert.equal(FakeEventSource.instances.length, 0);
    assert.equal(connection.state, 'reconnecting');
    assert.ok(FakeSocket.instances.length >= 4);
    connection.close();
  });

  it('never falls back with transport="websocket"', async () => {
    const connection = made({ server: 'http://chat.test', tenant: 'demo', transport: 'websocket', maxDelayMs: 1000 });
    for (let i = 0; i < 6; i++) await failWebSocket();
    assert.equal(FakeEventSource.instances.length, 0);
    connection.close();
  });

  it('SSE: one stream for all rooms, opened afresh with current positions when rooms change and after an error', async () => {
    const connection = made({ server: 'http://chat.test', tenant: 'demo', transport: 'sse', token: 'x.eyJzdWIiOiJ1MSIsIm5hbWUiOiJCaWEifQ.y' });
    let since = 3;
    connection.subscribe('a', { onMessage: (m) => 'seq' in m && m.type !== 'subscribed' && (since = m.seq), position: () => ({ epoch: 'e1', since }) });
    await advance();
    const first = FakeEventSource.instances.at(-1)!;
    assert.deepEqual(first.url.searchParams.getAll('sub'), ['a@e1:3']);
    assert.equal(first.url.searchParams.get('token'), 'x.eyJzdWIiOiJ1MSIsIm5hbWUiOiJCaWEifQ.y');
    first.onopen!();
    assert.deepEqual([connection.state, connection.transport, connection.user], ['open', 'sse', { id: 'u1', name: 'Bia' }]);
    first.emit('image-chat-updated', { type: 'image-chat-updated', room: 'a', seq: 4, broadcastId: 'b', markerId: 'm', change: { kind: 'marker-resolved', resolved: true } });
    connection.subscribe('b', { onMessage: () => {}, position: () => undefined });
    await flush();
    const second = FakeEventSource.instances.at(-1)!;
    assert.equal(first.closed, true);
    assert.deepEqual(second.url.searchParams.getAll('sub'), ['a@e1:4', 'b']);
    second.onopen!();
    second.listeners.get('error')!({ type: 'error' }); // the stream broke (a server restart, say)
    await flush();
    assert.equal(connection.state, 'reconnecting');
    await advance(1000);
    const third = FakeEventSource.instances.at(-1)!;
    assert.notEqual(third, second);
    assert.deepEqual(third.url.searchParams.getAll('sub'), ['a@e1:4', 'b']);
    connection.close();
  });

  it("SSE: keeps the guest token the server renews in the stream's welcome, and goes on with it", async () => {
    const key = 'image-chat:guest:http://chat.test|demo';
    store.set(key, 'x.eyJzdWIiOiJndWVzdDoxIiwibmFtZSI6IkFuYSJ9.old');
    const connection = made({ server: 'http://chat.test', tenant: 'demo', transport: 'sse' });
    const users: string[] = [];
    connection.listen({ onUser: (u) => users.push(u.id) });
    connection.subscribe('a', { onMessage: () => {}, position: () => undefined });
    await advance();
    const first = FakeEventSource.instances.at(-1)!;
    assert.match(first.url.searchParams.get('token')!, /\.old$/);
    first.onopen!();
    first.emit('welcome', { type: 'welcome', protocol: 1, user: { id: 'guest:1', name: 'Ana' }, guestToken: 'x.eyJzdWIiOiJndWVzdDoxIiwibmFtZSI6IkFuYSJ9.new' });
    assert.match(store.get(key)!, /\.new$/);
    assert.deepEqual(users, ['guest:1']);
    connection.subscribe('b', { onMessage: () => {}, position: () => undefined });
    await flush();
    assert.match(FakeEventSource.instances.at(-1)!.url.searchParams.get('token')!, /\.new$/);
  });

  it('SSE: a stream refused for its token reports unauthorized/auth and stops', async () => {
    refusedWith = 401;
    const connection = made({ server: 'http://chat.test', tenant: 'demo', transport: 'sse', token: 'expired' });
    const errors: string[] = [];
    connection.listen({ onError: (e, action) => errors.push(`${e.code}/${action}`) });
    connection.subscribe('a', { onMessage: () => {}, position: () => undefined });
    await advance();
    FakeEventSource.instances.at(-1)!.listeners.get('error')!({ type: 'error' }); // refused before it opened
    await flush();
    assert.deepEqual(errors, ['unauthorized/auth']);
    assert.equal(connection.state, 'closed');
    await advance(60_000);
    assert.equal(FakeEventSource.instances.length, 1);
    connection.close();
  });
});
