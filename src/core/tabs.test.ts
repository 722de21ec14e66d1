// Other tabs through the RoomController, under Node: two controllers stand for two tabs of one user (Node has
// BroadcastChannel; a fake WebSocket stands for the server). Kept in src/core/ so that `npm run test:unit` runs it.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userKey } from '../net/jwt.js';
import { RoomController } from '../controllers/room-controller.js';
// Loaded by the controller on demand; loaded here first so that its import resolves within one `advance()`.
import '../cache/local-room.js';
import { FakeSocket, advance, fakeHost, installFakes } from '../test/fake-socket.js';

let serial = 0;

function tab(server: string) {
  const { host, events } = fakeHost();
  const controller = new RoomController(host, () => ({ server, tenant: 'demo', room: 'r' }));
  controller.hostConnected();
  opened.push({ controller });
  return { controller, events };
}

/** Two tabs of one user on one room, with the room's snapshot (the registry gives both the same fake socket). */
async function twoTabs() {
  const server = `http://tabs${++serial}.test`;
  const a = tab(server);
  const b = tab(server);
  await advance();
  const socket = FakeSocket.instances.at(-1)!;
  socket.open();
  socket.receive({ type: 'welcome', protocol: 1, user: { id: 'me', name: 'Ana' } });
  socket.receive({ type: 'snapshot', room: 'r', epoch: 'e1', seq: 5, markers: [] });
  // The tab channel (cache/local-room.js, loaded on demand) opens in both.
  const opened = (t: { controller: RoomController }) => !!(t.controller as unknown as { local?: unknown }).local;
  await until(() => opened(a) && opened(b));
  return { a, b, socket };
}

/**
 * Waits up to 5 real seconds for `condition` (a BroadcastChannel message crosses threads: under load it takes more
 * than a fixed number of turns). setTimeout is mocked, so the wait spins on setImmediate and reads the real clock.
 */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setImmediate(r));
  }
}

/** The tabs a test opened: disconnected after it, passed or failed, so that no channel keeps the process alive. */
const opened: Array<{ controller: RoomController }> = [];
afterEach(() => {
  for (const t of opened.splice(0)) t.controller.hostDisconnected();
});

const mine = (id: string) => ({
  id,
  x: 10,
  y: 20,
  resolved: false,
  createdAt: 1,
  author: { id: 'me', name: 'Ana' },
  comments: [{ id: `${id}-c`, text: 'hi', createdAt: 1, author: { id: 'me', name: 'Ana' } }],
});

describe('other tabs', () => {
  beforeEach(installFakes);

  it("shows another tab's op at once, retires it on its event and reports it as 'tab'", async () => {
    const { a, b, socket } = await twoTabs();
    void a.controller.createMarker(10, 20, 'mine', 'm1');
    await until(() => b.controller.markers.length === 1);
    assert.equal(b.controller.state.pending[0].origin, 'tab');
    const op = socket.sent.at(-1) as { broadcastId: string };
    socket.receive({ type: 'new-image-chat', room: 'r', seq: 6, broadcastId: op.broadcastId, marker: mine('m1') });
    assert.equal(b.controller.state.pending.length, 0);
    assert.equal(b.controller.markers.length, 1);
    const changes = b.events.filter((e) => e.type === 'image-chat-change').map((e) => e.detail);
    assert.deepEqual(changes, [{ kind: 'created', markerId: 'm1', origin: 'tab' }]);
    assert.deepEqual(b.controller.announcements, [], 'the user is not told of their own marker');
    a.controller.hostDisconnected();
    b.controller.hostDisconnected();
  });

  it('drops it when the origin tab reports a failure', async () => {
    const { a, b, socket } = await twoTabs();
    const result = a.controller.createMarker(10, 20, 'mine', 'm1');
    await until(() => b.controller.markers.length === 1);
    const op = socket.sent.at(-1) as { broadcastId: string };
    socket.receive({ type: 'error', broadcastId: op.broadcastId, code: 'forbidden', message: 'no' });
    assert.equal((await result).ok, false);
    await until(() => b.controller.markers.length === 0);
    assert.equal(b.events.filter((e) => e.type === 'image-chat-change').length, 0);
    a.controller.hostDisconnected();
    b.controller.hostDisconnected();
  });
});

describe('a room the user may not see', () => {
  beforeEach(installFakes);

  it('is cleared from the screen when the server says forbidden', async () => {
    const { a, b, socket } = await twoTabs();
    socket.receive({ type: 'new-image-chat', room: 'r', seq: 6, broadcastId: 'b6', marker: mine('m1') });
    assert.equal(a.controller.markers.length, 1);
    socket.receive({ type: 'error', room: 'r', code: 'forbidden', message: 'your new token does not give access to this room' });
    assert.equal(a.controller.markers.length, 0);
    assert.equal(a.controller.state.epoch, null);
    a.controller.hostDisconnected();
    b.controller.hostDisconnected();
  });
});

describe('userKey (the user per-user storage is keyed by)', () => {
  const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;

  it("keys by the token's subject", () => {
    assert.equal(userKey(jwt({ sub: 'guest:1', name: 'Ana' })), 'guest:1');
  });

  it('keys by the token itself when it names no subject', () => {
    assert.equal(userKey(jwt({ name: 'Ana' })), `token:${jwt({ name: 'Ana' })}`);
    assert.equal(userKey('not a jwt'), 'token:not a jwt');
  });
});
