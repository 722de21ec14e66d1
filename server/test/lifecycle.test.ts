import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { api, ops, SseClient, startTestServer, uuid, WsClient } from './helpers.js';

describe('restart', () => {
  it('keeps markers, comments, epoch, seq and guest identities on the same data dir', async () => {
    const first = await startTestServer();
    const client = await WsClient.connect(first);
    const room = `room-${uuid()}`;
    const { epoch } = await client.subscribe(room);
    const create = ops.createMarker(room, 'before restart');
    await client.op(create);
    await client.op(ops.addComment(room, create.marker.id, 'a reply'));
    await client.op(ops.resolveMarker(room, create.marker.id, true));
    await client.close();
    await first.stop(true);

    const second = await startTestServer({ dataDir: first.dataDir });
    const back = await WsClient.connect(second, { token: client.guestToken });
    assert.deepEqual(back.user, client.user);
    const snapshot = await back.subscribe(room);
    assert.ok(snapshot.type === 'snapshot');
    assert.equal(snapshot.epoch, epoch);
    assert.equal(snapshot.seq, 3);
    assert.deepEqual(snapshot.markers[0].comments.map((c) => c.text), ['before restart', 'a reply']);
    assert.equal(snapshot.markers[0].resolved, true);
    // Resync across the restart replays from the log, and seq continues.
    back.send({ type: 'subscribe', room, epoch, since: 1 });
    assert.deepEqual([(await back.event(room)).seq, (await back.event(room)).seq], [2, 3]);
    await back.next('subscribed');
    // The old guest may still edit its own comment; the idempotency key also survived.
    assert.equal((await back.op(ops.moveMarker(room, create.marker.id, 5, 5))).type, 'ack');
    assert.deepEqual(await back.op(create), { type: 'ack', broadcastId: create.broadcastId, seq: 1 });
    await back.close();
    await second.stop();
  });

  it('gives a new database a new epoch', async () => {
    const [a, b] = [await startTestServer(), await startTestServer()];
    const [ca, cb] = [await WsClient.connect(a), await WsClient.connect(b)];
    assert.notEqual((await ca.subscribe('r')).epoch, (await cb.subscribe('r')).epoch);
    await Promise.all([ca.close(), cb.close()]);
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('graceful close', () => {
  it('lets an in-flight op commit, then closes every WebSocket with 1012 and ends SSE streams', async () => {
    const server = await startTestServer();
    const clients = await Promise.all([WsClient.connect(server), WsClient.connect(server)]);
    const room = `room-${uuid()}`;
    await clients[1].subscribe(room);
    const stream = await SseClient.open(`${server.url}/api/events?sub=${room}`);
    await stream.next('snapshot');
    const op = ops.createMarker(room);
    const reply = clients[0].op(op);
    await clients[1].event(room); // committed and broadcast
    await server.stop();
    assert.equal((await reply).type, 'ack');
    for (const client of clients) assert.equal((await client.closed).code, 1012);
    stream.close();
  });
});

describe('graceful close under load', () => {
  it('acks exactly the ops it committed before closing with 1012', async () => {
    const server = await startTestServer();
    const client = await WsClient.connect(server);
    const room = `room-${uuid()}`;
    const sent = Array.from({ length: 30 }, () => ops.createMarker(room));
    for (const op of sent) client.send(op);
    await client.next('ack'); // some ops are committed, others still queued or in flight
    await server.stop(true);
    assert.equal((await client.closed).code, 1012);
    const acked = new Set([sent[0].broadcastId]);
    for (const m of client.received()) if (m.type === 'ack') acked.add(m.broadcastId);

    const again = await startTestServer({ dataDir: server.dataDir });
    const reader = await WsClient.connect(again);
    const snapshot = await reader.subscribe(room);
    assert.ok(snapshot.type === 'snapshot');
    const stored = new Set(snapshot.markers.map((m) => sent.find((op) => op.marker.id === m.id)!.broadcastId));
    assert.deepEqual([...stored].sort(), [...acked].sort());
    assert.equal(snapshot.seq, acked.size);
    await reader.close();
    await again.stop();
  });
});

describe('operations endpoints', () => {
  it('/healthz and /metrics respond', async () => {
    const server = await startTestServer();
    const client = await WsClient.connect(server);
    await client.subscribe('r');
    await client.op(ops.createMarker('r'));
    const health = await api(server, '/healthz');
    assert.deepEqual([health.status, health.json], [200, { ok: true }]);
    const metrics = await api(server, '/metrics');
    assert.equal(metrics.status, 200);
    for (const name of [
      'image_chat_connections{transport="websocket"} 1',
      'image_chat_subscribed_rooms 1',
      'image_chat_active_rooms 1',
      'image_chat_ops_total{type="create-marker",outcome="ok"} 1',
      'image_chat_events_sent_total',
      'image_chat_bytes_sent_total',
      'image_chat_process_cpu_seconds_total',
    ]) {
      assert.ok(metrics.json.includes(name), `metrics include ${name}`);
    }
    await client.close();
    await server.stop();
  });

  it('serves the demo page, demo files and the dist bundle with the right content types', async () => {
    const root = mkdtempSync(join(tmpdir(), 'image-chat-static-'));
    mkdirSync(join(root, 'demo', 'images'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'demo', 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(root, 'demo', 'images', 'a.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'dist', 'image-chat.js'), 'export {};');
    const server = await startTestServer({ staticDirs: { demo: join(root, 'demo'), dist: join(root, 'dist') } });
    const page = await fetch(`${server.url}/`);
    assert.deepEqual([page.status, page.headers.get('content-type')], [200, 'text/html; charset=utf-8']);
    const image = await fetch(`${server.url}/images/a.svg`);
    assert.deepEqual([image.status, image.headers.get('content-type')], [200, 'image/svg+xml']);
    assert.equal((await fetch(`${server.url}/demo/images/a.svg`)).status, 200);
    const bundle = await fetch(`${server.url}/dist/image-chat.js`);
    assert.deepEqual([bundle.status, bundle.headers.get('content-type')], [200, 'text/javascript; charset=utf-8']);
    assert.equal((await fetch(`${server.url}/dist/..%2f..%2fetc%2fpasswd`)).status, 404);
    assert.equal((await fetch(`${server.url}/missing.png`)).status, 404);
    await Promise.all([page, image, bundle].map((r) => r.body?.cancel()));
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });
});

describe('startServer', () => {
  it('rejects when the port is taken, leaving nothing open', async () => {
    const first = await startTestServer();
    await assert.rejects(startTestServer({ port: first.port }), /EADDRINUSE/);
    await first.stop();
  });

  it('refuses nonsensical limits with a message naming the limit', async () => {
    await assert.rejects(startTestServer({ limits: { maxFrameBytes: -1 } }), /limits\.maxFrameBytes must be a positive integer/);
  });
});
