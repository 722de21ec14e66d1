/** Events serialized once: frame texts, batch chunking under the frame limit, WebSocket frames built by hand. */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { EventRun, eventFrames, framePayloadBytes, storedWireEvent, textFrame, toWireEvent } from '../fanout/event-run.js';
import { ops } from './helpers.js';
import type { RoomEvent } from '../../protocol/messages.js';

const event = (seq: number, text = 'hello'): RoomEvent => ({
  type: 'image-chat-updated',
  room: 'r',
  seq,
  broadcastId: ops.createMarker('r').broadcastId,
  markerId: 'm',
  change: { kind: 'marker-moved', x: seq % 100, y: text.length % 100 },
});

// ws's frame parser (exported by ws, untyped in @types/ws).
const { Receiver } = createRequire(import.meta.url)('ws') as { Receiver: new (options: { isServer: boolean; maxPayload: number }) => Writable };

/** Decodes frames the way a WebSocket client does (ws's own parser, client side: unmasked frames). */
function decode(frames: Buffer[]): string[] {
  const messages: string[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    assert.equal(isBinary, false);
    messages.push(data.toString());
  });
  receiver.on('error', (err: Error) => assert.fail(err));
  for (const frame of frames) receiver.write(frame);
  return messages;
}

describe('event runs', () => {
  it('textFrame makes frames a WebSocket client reads, at every length encoding (7, 16 and 64 bits)', () => {
    const texts = ['', 'a', 'é'.repeat(62), 'x'.repeat(125), 'x'.repeat(126), '✓'.repeat(30_000), 'y'.repeat(70_000)];
    const frames = texts.map(textFrame);
    assert.deepEqual(decode(frames), texts);
    assert.deepEqual(frames.map(framePayloadBytes), texts.map((t) => Buffer.byteLength(t)));
  });

  it('one event is its own frame; several are batches, each under the limit, together every event in order', () => {
    const events = Array.from({ length: 50 }, (_, i) => toWireEvent(event(i + 1, 'ü'.repeat(i))));
    assert.deepEqual(eventFrames(events.slice(0, 1), 1000), [events[0]!.json]);
    const frames = eventFrames(events, 1000);
    assert.ok(frames.length > 1);
    for (const frame of frames) assert.ok(Buffer.byteLength(frame) <= 1000, `a frame of ${Buffer.byteLength(frame)} bytes`);
    const decoded = frames.map((f) => JSON.parse(f)).flatMap((m) => (m.type === 'batch' ? m.events : [m]));
    assert.deepEqual(decoded.map((e: RoomEvent) => e.seq), events.map((e) => e.seq));
  });

  it('a run builds its frames once and hands every subscriber the same bytes', () => {
    const run = new EventRun('r', [toWireEvent(event(1)), toWireEvent(event(2))]);
    assert.equal(run.webSocketFrames(65_536), run.webSocketFrames(65_536));
    const [message] = decode(run.webSocketFrames(65_536));
    assert.deepEqual(JSON.parse(message!).events.map((e: RoomEvent) => e.seq), [1, 2]);
    assert.equal(run.sseText('room', (seq) => `r@e:${seq}`), run.sseText('room', () => 'never asked again'));
    assert.match(run.sseText('room', () => ''), /^id: r@e:1\nevent: image-chat-updated\ndata: \{.*\}\n\nid: r@e:2\n/);
  });

  it('reads the type of a stored event without parsing it, and knows a run is contiguous', () => {
    const stored = storedWireEvent(7, JSON.stringify(event(7)));
    assert.equal(stored.type, 'image-chat-updated');
    assert.equal(new EventRun('r', [storedWireEvent(1, '{"type":"x"}'), stored]).contiguous, false);
    assert.equal(new EventRun('r', [toWireEvent(event(6)), stored]).contiguous, true);
  });
});
