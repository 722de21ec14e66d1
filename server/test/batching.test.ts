/**
 * Adaptive batching (SPEC §2 "Batching"): under load a connection gets several events in one `batch` frame, in seq
 * order; a quiet room's event goes out alone, as a plain event frame. Every event reaches every subscriber once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoomEvent, ServerMessage } from '../../protocol/messages.js';
import { ops, SseClient, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';

const LIFTED = { opBurst: 100_000, opsPerSecond: 100_000, ipOpBurst: 100_000, ipOpsPerSecond: 100_000, maxConnectionsPerIp: 1000 };

/** Every frame a socket receives, raw: batches are not unwrapped, so they can be counted. */
function recordFrames(client: WsClient): ServerMessage[] {
  const frames: ServerMessage[] = [];
  client.ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as ServerMessage));
  return frames;
}

const eventsIn = (frames: ServerMessage[], room: string): RoomEvent[] =>
  frames.flatMap((f): RoomEvent[] => (f.type === 'batch' ? f.events : 'seq' in f && f.type !== 'snapshot' && f.type !== 'subscribed' ? [f as RoomEvent] : [])).filter((e) => e.room === room);

async function until(done: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('batching', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ limits: LIFTED });
  });
  after(() => server.stop());

  it('a burst of 500 ops from several writers reaches 50 subscribers once each, in seq order, in fewer frames than events', async () => {
    const room = `burst-${uuid()}`;
    const subscribers = await Promise.all(Array.from({ length: 50 }, () => WsClient.connect(server)));
    const frames = subscribers.map(recordFrames);
    await Promise.all(subscribers.map((s) => s.subscribe(room)));
    const writers = await Promise.all(Array.from({ length: 5 }, () => WsClient.connect(server)));
    // Each writer sends its 100 ops back to back, without waiting for acks.
    for (const writer of writers) for (let i = 0; i < 100; i++) writer.send(ops.createMarker(room, `burst ${i}`, i % 100, 50));
    await until(() => frames.every((f) => eventsIn(f, room).length >= 500), () => `events: ${frames.map((f) => eventsIn(f, room).length).join(',')}`);
    for (const [i, received] of frames.entries()) {
      const seqs = eventsIn(received, room).map((e) => e.seq);
      assert.deepEqual(seqs, Array.from({ length: 500 }, (_, j) => j + 1), `subscriber ${i}: every event once, in seq order`);
      const eventFrames = received.filter((f) => f.type === 'batch' || f.type === 'new-image-chat');
      assert.ok(eventFrames.length < 500, `subscriber ${i}: ${eventFrames.length} frames for 500 events`);
      assert.ok(received.some((f) => f.type === 'batch'), `subscriber ${i} got batch frames`);
    }
    await Promise.all([...subscribers, ...writers].map((c) => c.close()));
  });

  it('a lone op in a quiet room arrives as a plain event frame, not a batch', async () => {
    const room = `quiet-${uuid()}`;
    const reader = await WsClient.connect(server);
    const frames = recordFrames(reader);
    await reader.subscribe(room);
    const writer = await WsClient.connect(server);
    const op = ops.createMarker(room, 'just one');
    assert.equal((await writer.op(op)).type, 'ack');
    await until(() => eventsIn(frames, room).length === 1, () => 'the event');
    const eventFrame = frames.find((f) => f.type === 'new-image-chat' || f.type === 'batch');
    assert.equal(eventFrame?.type, 'new-image-chat');
    assert.equal(eventFrame?.type === 'new-image-chat' && eventFrame.broadcastId, op.broadcastId);
    await Promise.all([reader.close(), writer.close()]);
  });

  it('over SSE, every event of a burst keeps its own id (<room>@<epoch>:<seq>), in order, on a multi-room stream', async () => {
    const room = `sse-burst-${uuid()}`;
    const other = `sse-other-${uuid()}`;
    const stream = await SseClient.open(`${server.url}/api/events?tenant=demo&sub=${encodeURIComponent(room)}&sub=${encodeURIComponent(other)}`);
    const opening = await stream.next('snapshot');
    const epoch = opening.data.epoch as string;
    await stream.next((e) => e.event === 'snapshot' && e.data.room !== opening.data.room);
    const writer = await WsClient.connect(server);
    for (let i = 0; i < 60; i++) writer.send(ops.createMarker(i % 3 ? room : other, `sse ${i}`));
    const seen: Array<{ id?: string; room: string; seq: number }> = [];
    for (let i = 0; i < 60; i++) {
      const event = await stream.next('new-image-chat', 10_000);
      seen.push({ id: event.id, room: event.data.room, seq: event.data.seq });
    }
    for (const name of [room, other]) {
      const mine = seen.filter((e) => e.room === name);
      assert.deepEqual(mine.map((e) => e.seq), Array.from({ length: mine.length }, (_, j) => j + 1), `${name}: in seq order`);
      assert.deepEqual(mine.map((e) => e.id), mine.map((e) => `${name}@${epoch}:${e.seq}`), `${name}: one id per event`);
    }
    stream.close();
    await writer.close();
  });
});
