/**
 * Presence (SPEC §2): who is looking at a room now — after the opening, then on change, at most once a second per
 * room; a user with several tabs counts once; over WebSocket and SSE. (Across processes: cluster.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PresenceMessage, ServerMessage } from '../../protocol/messages.js';
import { SseClient, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

const presenceOf = (room: string, count?: number) => (m: ServerMessage) =>
  m.type === 'presence' && m.room === room && (count === undefined || m.count === count);

describe('presence', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ limits: { guestBurst: 1000 } });
  });
  after(() => server.stop());

  it('follows the opening; two users see count 2, and 1 within 5 s after one leaves', async () => {
    const room = `presence-${uuid()}`;
    const ana = await WsClient.connect(server);
    ana.send({ type: 'subscribe', room });
    await ana.next('snapshot');
    const alone = (await ana.next(presenceOf(room), 2000)) as PresenceMessage;
    assert.deepEqual([alone.count, alone.viewers.map((v) => v.id)], [1, [ana.user.id]]);
    const bob = await WsClient.connect(server);
    await bob.subscribe(room);
    const forBob = (await bob.next(presenceOf(room, 2), 2000)) as PresenceMessage;
    assert.deepEqual(forBob.viewers.map((v) => v.id), [ana.user.id, bob.user.id], 'in the order they came');
    await ana.next(presenceOf(room, 2), 5000);
    await bob.close();
    const left = (await ana.next(presenceOf(room, 1), 5000)) as PresenceMessage;
    assert.deepEqual(left.viewers.map((v) => v.id), [ana.user.id]);
    await ana.close();
  });

  it('counts a user with three tabs once, and keeps them while one tab is left', async () => {
    const room = `tabs-${uuid()}`;
    const first = await WsClient.connect(server);
    const tabs = [first, await WsClient.connect(server, { token: first.guestToken }), await WsClient.connect(server, { token: first.guestToken })];
    for (const tab of tabs) await tab.subscribe(room);
    const watcher = await WsClient.connect(server);
    await watcher.subscribe(room);
    const seen = (await watcher.next(presenceOf(room), 2000)) as PresenceMessage;
    assert.equal(seen.count, 2, 'the three tabs are one user, the watcher the other');
    await tabs[0]!.close();
    await tabs[1]!.close();
    // Still there in the third tab: no message says otherwise within two seconds.
    await assert.rejects(watcher.next(presenceOf(room, 1), 2000));
    await tabs[2]!.close();
    await watcher.next(presenceOf(room, 1), 5000);
    await watcher.close();
  });

  it('sends at most one message a second per room, however many come and go', async () => {
    const room = `burst-${uuid()}`;
    const watcher = await WsClient.connect(server);
    await watcher.subscribe(room);
    await watcher.next(presenceOf(room, 1), 2000);
    const times: number[] = [];
    watcher.ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'presence') times.push(Date.now());
    });
    const crowd = await Promise.all(Array.from({ length: 12 }, () => WsClient.connect(server)));
    for (const client of crowd) await client.subscribe(room);
    await watcher.next(presenceOf(room, 13), 5000);
    for (const client of crowd.slice(0, 6)) await client.close();
    await watcher.next(presenceOf(room, 7), 5000);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 900, `presence ${i} came ${times[i]! - times[i - 1]!} ms after the one before`);
    assert.ok(times.length <= 4, `${times.length} messages for 12 arrivals and 6 departures`);
    await Promise.all([watcher, ...crowd.slice(6)].map((c) => c.close()));
  });

  it('reaches SSE streams too, and counts their readers', async () => {
    const room = `sse-${uuid()}`;
    const guest = (await (await fetch(`${server.url}/api/guest?tenant=demo`, { method: 'POST' })).json()) as { token: string; user: { id: string } };
    const stream = await SseClient.open(`${server.url}/api/events?tenant=demo&sub=${encodeURIComponent(room)}&token=${guest.token}`);
    await stream.next('snapshot');
    const alone = await stream.next('presence', 2000);
    assert.deepEqual([alone.data.count, alone.data.viewers[0].id], [1, guest.user.id]);
    const ws = await WsClient.connect(server);
    await ws.subscribe(room);
    await ws.next(presenceOf(room, 2), 2000);
    await stream.next((e) => e.event === 'presence' && e.data.count === 2, 5000);
    stream.close();
    await ws.next(presenceOf(room, 1), 5000);
    await ws.close();
  });
});
