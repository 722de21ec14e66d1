/**
 * How a WebSocket session's outbox reaches the wire: what one turn queued (message texts and event runs, in order)
 * as few frames as the frame limit allows, in one corked write. A run alone goes out as its shared frames (built
 * once for every viewer of the room); runs of several rooms or turns together become batch frames of their own.
 */
import type { Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { eventFrames, framePayloadBytes, textFrame, type EventRun } from '../fanout/event-run.js';

/** Where what is written is counted (usage and metrics): called once per message written, with its payload bytes (as the client receives them) and the events it starts counting. */
export interface SentCounter {
  countSent(bytes: number, events: number): void;
}

/** Writes `items` to the connection; returns the bytes written (payloads). */
export function writeOutbox(items: ReadonlyArray<string | EventRun>, ws: WebSocket, socket: Writable, maxFrameBytes: number, counter: SentCounter): number {
  const cork = items.length > 1;
  if (cork) socket.cork();
  let written = 0;
  let runs: EventRun[] | null = null;
  for (const item of items) {
    if (typeof item !== 'string') {
      (runs ??= []).push(item);
      continue;
    }
    if (runs) written += writeRuns(runs, socket, maxFrameBytes, counter);
    runs = null;
    ws.send(item);
    const bytes = Buffer.byteLength(item);
    counter.countSent(bytes, 0);
    written += bytes;
  }
  if (runs) written += writeRuns(runs, socket, maxFrameBytes, counter);
  if (cork) socket.uncork();
  return written;
}

/** Events of one or more runs (several rooms, or several turns' worth) as frames; returns the bytes written. */
function writeRuns(runs: EventRun[], socket: Writable, limit: number, counter: SentCounter): number {
  let frames: Buffer[];
  let events: number;
  if (runs.length === 1) {
    // The common case: the run's frames are shared with every other viewer of the room.
    frames = runs[0]!.webSocketFrames(limit);
    events = runs[0]!.events.length;
  } else {
    const all = runs.flatMap((run) => run.events);
    frames = eventFrames(all, limit).map(textFrame);
    events = all.length;
  }
  let bytes = 0;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    // A whole frame, straight to the socket: ws has nothing of its own queued (no permessage-deflate here), and
    // every write is a complete frame, so frames never interleave with its pings or messages.
    socket.write(frame);
    const payload = framePayloadBytes(frame);
    counter.countSent(payload, i === 0 ? events : 0); // each frame is a message in usage; the events once
    bytes += payload;
  }
  return bytes;
}
