/**
 * Events as they travel: serialized once, shared by every recipient. A `WireEvent` is a committed event's JSON, made
 * once at commit (it is also what the event log stores), so neither fan-out, nor replay, nor any transport ever
 * stringifies or parses an event again. An `EventRun` is the events of one room that go out together (a commit
 * group's, or a replay chunk's); the frames each transport makes of it are built on first use and then reused for
 * every subscriber, so a room with 1000 viewers costs one serialization, not 1000.
 */
import type { RoomEvent } from '../../protocol/messages.js';

export interface WireEvent {
  readonly seq: number;
  readonly type: RoomEvent['type'];
  /** The event message's JSON text: a WebSocket frame as is, a `batch` element, an SSE `data:` line. */
  readonly json: string;
}

/** A WireEvent from an event (the one place events are stringified). */
export function toWireEvent(event: RoomEvent): WireEvent {
  return { seq: event.seq, type: event.type, json: JSON.stringify(event) };
}

const TYPE_PREFIX = /^\{"type":"([a-z-]+)"/;

/** A WireEvent from a stored log row, without parsing the JSON (the server writes `type` first). */
export function storedWireEvent(seq: number, json: string): WireEvent {
  const type = TYPE_PREFIX.exec(json)?.[1] ?? (JSON.parse(json) as RoomEvent).type;
  return { seq, type: type as RoomEvent['type'], json };
}

const BATCH_OPEN = '{"type":"batch","events":[';
const BATCH_CLOSE = ']}';

/**
 * Frame texts for `events`: one event alone is its own frame; several go in `batch` frames, each at most
 * `maxBytes` long (an event longer than that on its own still goes out, alone).
 */
export function eventFrames(events: readonly WireEvent[], maxBytes: number): string[] {
  if (events.length === 1) return [events[0]!.json];
  const frames: string[] = [];
  let parts: string[] = [];
  let size = BATCH_OPEN.length + BATCH_CLOSE.length;
  // UTF-16 length × 3 bounds the UTF-8 length; measure exactly only when that bound is over the limit.
  const bytesOf = (json: string) => (json.length * 3 + size < maxBytes ? json.length : Buffer.byteLength(json));
  for (const event of events) {
    const bytes = bytesOf(event.json) + (parts.length ? 1 : 0);
    if (parts.length && size + bytes > maxBytes) {
      frames.push(parts.length === 1 ? parts[0]! : BATCH_OPEN + parts.join(',') + BATCH_CLOSE);
      parts = [];
      size = BATCH_OPEN.length + BATCH_CLOSE.length;
    }
    parts.push(event.json);
    size += bytesOf(event.json) + (parts.length > 1 ? 1 : 0);
  }
  if (parts.length) frames.push(parts.length === 1 ? parts[0]! : BATCH_OPEN + parts.join(',') + BATCH_CLOSE);
  return frames;
}

/** One SSE event. JSON.stringify never emits raw newlines, so `data:` is one line; an id holding one is left out. */
export function sseEvent(type: string, json: string, id = ''): string {
  return `${id && !/[\r\n]/.test(id) ? `id: ${id}\n` : ''}event: ${type}\ndata: ${json}\n\n`;
}

/**
 * A complete WebSocket text frame as a server sends it (RFC 6455 §5.2: FIN, opcode 1, unmasked), holding `text`.
 * Built once per run and written as is to every subscriber's socket: `ws.send` would frame it again for each one.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header);
  return frame;
}

/** The payload length of a frame made by `textFrame` (what a client receives as the message). */
export function framePayloadBytes(frame: Buffer): number {
  const marker = frame[1]! & 0x7f;
  return frame.length - (marker === 127 ? 10 : marker === 126 ? 4 : 2);
}

export class EventRun {
  /** Whether the seqs are consecutive and increasing (always, for a run from one commit group or the log). */
  readonly contiguous: boolean;
  private wsFrames: Buffer[] | undefined;
  private wsFramesLimit = 0;
  private sseTexts: Map<string, string> | undefined;

  constructor(
    readonly room: string,
    readonly events: readonly WireEvent[],
  ) {
    let contiguous = events.length > 0;
    for (let i = 1; contiguous && i < events.length; i++) contiguous = events[i]!.seq === events[i - 1]!.seq + 1;
    this.contiguous = contiguous;
  }

  get firstSeq(): number {
    return this.events[0]!.seq;
  }

  get lastSeq(): number {
    return this.events[this.events.length - 1]!.seq;
  }

  /** The run as complete WebSocket frames (header included), made once for every viewer. */
  webSocketFrames(maxBytes: number): Buffer[] {
    if (!this.wsFrames || this.wsFramesLimit !== maxBytes) {
      this.wsFrames = eventFrames(this.events, maxBytes).map(textFrame);
      this.wsFramesLimit = maxBytes;
    }
    return this.wsFrames;
  }

  /**
   * The run as SSE text, one SSE event per protocol event with its own `id:` (so a stream resumes from any of
   * them), made once per id style. `idOf` must depend only on the seq for a given `style`; an empty id is left out.
   */
  sseText(style: string, idOf: (seq: number) => string): string {
    this.sseTexts ??= new Map();
    let text = this.sseTexts.get(style);
    if (text === undefined) {
      text = '';
      for (const event of this.events) text += sseEvent(event.type, event.json, idOf(event.seq));
      this.sseTexts.set(style, text);
    }
    return text;
  }
}
