/**
 * One client driver per server kind: how a subscriber joins the room and reads events, and how the publisher sends
 * one. Every kind carries the same payload — an image-chat `new-image-chat` event (about 590 bytes), whose comment
 * text is the publisher's send time — so the anchors move as many bytes as image-chat does.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';
import type { Recorder } from './recorder.js';

export interface Closeable {
  close(): void;
}

export interface Publisher extends Closeable {
  /** Sends the op/message that becomes event `seq` (anchors number it; image-chat's server does). */
  publish(seq: number): void;
  /** Errors the server answered the publisher with (image-chat: refused ops). */
  readonly errors: number;
}

export interface Driver {
  readonly name: string;
  subscriber(port: number, recorder: Recorder): Promise<Closeable>;
  publisher(port: number): Promise<Publisher>;
}

const ROOM = 'bench-room';

interface EventLike {
  type: string;
  seq: number;
  marker: { comments: Array<{ text: string }> };
}

/** The event image-chat's server would make for a create-marker op: the anchors' payload. */
function eventLike(seq: number): EventLike {
  const author = { id: `guest:${randomUUID()}`, name: 'Guest 7f3a' };
  const comment = { id: randomUUID(), text: String(performance.now()), createdAt: Date.now(), author };
  return {
    type: 'new-image-chat',
    room: ROOM,
    seq,
    broadcastId: randomUUID(),
    marker: { id: randomUUID(), x: 41.5, y: 63.25, resolved: false, createdAt: Date.now(), author, comments: [comment] },
  } as EventLike;
}

function record(recorder: Recorder, event: EventLike): void {
  recorder.event(event.seq, Number(event.marker.comments[0]!.text), performance.now());
}

function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => ws.once('open', () => resolve(ws)).once('error', reject));
}

export const rawWs: Driver = {
  name: 'raw ws',
  async subscriber(port, recorder) {
    const ws = await open(`ws://127.0.0.1:${port}`);
    await new Promise<void>((joined) => {
      ws.on('message', (data) => {
        const text = data.toString();
        if (text === 'joined') return joined();
        recorder.frames++;
        record(recorder, JSON.parse(text) as EventLike);
      });
      ws.send('join');
    });
    return ws;
  },
  async publisher(port) {
    const ws = await open(`ws://127.0.0.1:${port}`);
    return { publish: (seq) => ws.send(JSON.stringify(eventLike(seq))), close: () => ws.close(), errors: 0 };
  },
};

function ioConnect(port: number): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => socket.once('connect', () => resolve(socket)).once('connect_error', reject));
}

export const socketIo: Driver = {
  name: 'Socket.IO',
  async subscriber(port, recorder) {
    const socket = await ioConnect(port);
    socket.on('event', (event: EventLike) => {
      recorder.frames++;
      record(recorder, event);
    });
    await new Promise<void>((joined) => socket.emit('join', () => joined()));
    return { close: () => socket.close() };
  },
  async publisher(port) {
    const socket = await ioConnect(port);
    return { publish: (seq) => socket.emit('op', eventLike(seq)), close: () => socket.close(), errors: 0 };
  },
};

/** A protocol client of image-chat: hello as a new guest, then (for subscribers) subscribe to the room. */
async function imageChatClient(port: number, onMessage: (message: { type: string; events?: EventLike[] } & EventLike) => void): Promise<WebSocket> {
  const ws = await open(`ws://127.0.0.1:${port}/ws`);
  await new Promise<void>((welcomed) => {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'welcome') welcomed();
      else onMessage(message);
    });
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, tenant: 'demo' }));
  });
  return ws;
}

export function imageChat(name: string): Driver {
  return {
    name,
    async subscriber(port, recorder) {
      let subscribed!: () => void;
      const ready = new Promise<void>((resolve) => (subscribed = resolve));
      const ws = await imageChatClient(port, (message) => {
        if (message.type === 'snapshot' || message.type === 'subscribed') return subscribed();
        if (message.type === 'batch') {
          recorder.frames++;
          for (const event of message.events!) record(recorder, event);
        } else if (message.type === 'new-image-chat') {
          recorder.frames++;
          record(recorder, message);
        }
      });
      ws.send(JSON.stringify({ type: 'subscribe', room: ROOM }));
      await ready;
      return ws;
    },
    async publisher(port) {
      let errors = 0;
      const ws = await imageChatClient(port, (message) => {
        if (message.type === 'error') errors++;
      });
      return {
        publish: () =>
          ws.send(
            JSON.stringify({
              type: 'create-marker',
              room: ROOM,
              broadcastId: randomUUID(),
              marker: { id: randomUUID(), x: 41.5, y: 63.25 },
              comment: { id: randomUUID(), text: String(performance.now()) },
            }),
          ),
        close: () => ws.close(),
        get errors() {
          return errors;
        },
      };
    },
  };
}
