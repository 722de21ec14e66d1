/**
 * Measures what goes over the wire and down to the browser, for the budget (SPEC §2, issue 2):
 * - the byte size of a `new-image-chat` frame for a marker with a 100-character comment, created for real through a
 *   running server (port 0, a guest `ws` client, `create-marker`) and captured as the raw frame the client received;
 * - the gzip size of `dist/image-chat.js` (run `npm run build` first).
 *
 * Run with `npm run bench`. A script that prints numbers, not a test: nothing here asserts timing or size.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '../protocol/index.js';
import { startTestServer } from '../server/test/helpers.js';

const FRAME_BUDGET = 1024;
const FRAME_AIM = 512;
const BUNDLE_AIM = 20 * 1024;

/** Messages from a socket, with their raw bytes, awaited one type at a time. */
function frameReader(socket: WebSocket) {
  const received: Array<{ message: ServerMessage; bytes: number }> = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    if (isBinary) throw new Error('the server sent a binary frame');
    // ws hands text frames over as one Buffer (the default binaryType): its length is the payload's byte size.
    const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    received.push({ message: JSON.parse(bytes.toString('utf8')) as ServerMessage, bytes: bytes.length });
    waiters.splice(0).forEach((wake) => wake());
  });
  return async function next<T extends ServerMessage['type']>(type: T, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = received.findIndex((frame) => frame.message.type === type || frame.message.type === 'error');
      if (index >= 0) {
        const [frame] = received.splice(index, 1);
        if (frame.message.type === 'error' && type !== 'error') {
          throw new Error(`expected ${type}, the server answered ${JSON.stringify(frame.message)}`);
        }
        return frame as { message: Extract<ServerMessage, { type: T }>; bytes: number };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        waiters.push(() => (clearTimeout(timer), wake()));
      });
    }
  };
}

async function measureFrame(): Promise<{ bytes: number; frame: string; ackBytes: number }> {
  const server = await startTestServer();
  try {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`);
    const next = frameReader(socket);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const send = (message: ClientMessage) => socket.send(JSON.stringify(message));

    send({ type: 'hello', protocol: PROTOCOL_VERSION, tenant: 'demo' });
    await next('welcome');
    // A room key like the demo's, so the frame carries a realistic `room`.
    const room = 'northwind-home-v3';
    send({ type: 'subscribe', room });
    await next('snapshot');

    const text = 'The revenue chart needs a y-axis label; the tooltip overlaps the Fri bar. Could we move it up a bit?';
    if (text.length !== 100) throw new Error(`the comment is ${text.length} characters, not 100`);
    const broadcastId = randomUUID();
    send({
      type: 'create-marker',
      room,
      broadcastId,
      marker: { id: randomUUID(), x: 62.5, y: 41.25 },
      comment: { id: randomUUID(), text },
    });
    const created = await next('new-image-chat');
    const ack = await next('ack');
    socket.close();
    const raw = JSON.stringify(created.message);
    return { bytes: created.bytes, frame: raw, ackBytes: ack.bytes };
  } finally {
    await server.stop();
  }
}

function bundleSize(): { raw: number; gzip: number } | undefined {
  const path = fileURLToPath(new URL('../dist/image-chat.js', import.meta.url));
  if (!existsSync(path)) return undefined;
  const code = readFileSync(path);
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

/** A rough split of a frame's bytes, to see what would be worth shrinking. */
function breakdown(json: string): string {
  const message = JSON.parse(json) as { marker: { author: unknown; comments: Array<{ text: string }> } };
  const uuids = json.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
  const author = JSON.stringify(message.marker.author);
  const authorCopies = json.split(author).length - 1;
  const text = message.marker.comments[0]?.text.length ?? 0;
  return `${uuids.length} UUIDs × 36 B, author ${authorCopies} × ${Buffer.byteLength(author)} B, comment text ${text} B, the rest keys, numbers and punctuation`;
}

const verdict = (bytes: number, aim: number, budget?: number) =>
  budget !== undefined && bytes > budget ? `OVER the ${budget} B budget` : bytes <= aim ? `within the ${aim} B aim` : `over the ${aim} B aim`;

const frame = await measureFrame();
console.log(`new-image-chat frame, 100-character comment: ${frame.bytes} bytes (${verdict(frame.bytes, FRAME_AIM, FRAME_BUDGET)})`);
console.log(`  ${frame.frame}`);
console.log(`  where the bytes go: ${breakdown(frame.frame)}`);
console.log(`ack frame: ${frame.ackBytes} bytes`);

const bundle = bundleSize();
if (bundle) {
  console.log(`dist/image-chat.js: ${bundle.raw} bytes raw, ${bundle.gzip} bytes gzip (${verdict(bundle.gzip, BUNDLE_AIM)})`);
} else {
  console.log('dist/image-chat.js: not built — run `npm run build` first');
}
