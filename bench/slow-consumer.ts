/**
 * The server's memory with a slow consumer attached (issue 4): a WebSocket client that stops reading while it keeps
 * asking for a ~400 KiB room snapshot (200 times: ~80 MiB if the server buffered it all) and a writer keeps changing
 * the room for a client that does read. Run once with the default bound on unsent data (4 MiB per connection) and
 * once with the bound lifted, the server in a child process of its own; its memory is read from /metrics.
 *
 * Run with `node --import tsx bench/slow-consumer.ts`. A script that prints numbers, not a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const MiB = 1024 * 1024;

async function startServer(maxBufferedBytes: number): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'image-chat-bench-'));
  const config = join(dir, 'tenants.json');
  writeFileSync(config, JSON.stringify({ limits: { maxBufferedBytes, opBurst: 100_000, ipOpBurst: 100_000 }, tenants: [{ id: 'demo', guests: true, origins: ['*'] }] }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', '--host', '127.0.0.1', '--data-dir', dir, '--config', config], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /running at (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child, dir };
}

async function memory(url: string): Promise<{ rss: number; heap: number; slowClosed: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { rss: value('image_chat_process_resident_memory_bytes'), heap: value('image_chat_nodejs_heap_size_used_bytes'), slowClosed: value('image_chat_slow_consumers_total') };
}

/** A protocol client: hello, then messages through `onMessage`. */
async function client(url: string, onMessage: (message: { type: string; broadcastId?: string }) => void = () => {}): Promise<WebSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const welcomed = new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type === 'welcome') resolve();
      onMessage(message);
    }),
  );
  ws.on('error', () => {});
  ws.send(JSON.stringify({ type: 'hello', protocol: 1, tenant: 'demo' }));
  await welcomed;
  return ws;
}

const createMarker = (room: string, text: string) => ({
  type: 'create-marker',
  room,
  broadcastId: randomUUID(),
  marker: { id: randomUUID(), x: 50, y: 50 },
  comment: { id: randomUUID(), text },
});

async function run(label: string, maxBufferedBytes: number): Promise<void> {
  const { url, child, dir } = await startServer(maxBufferedBytes);
  try {
    const room = 'flood';
    const acks = new Map<string, () => void>();
    const writer = await client(url, (m) => m.type === 'ack' && acks.get(m.broadcastId!)?.());
    const op = (message: ReturnType<typeof createMarker>) =>
      new Promise<void>((resolve) => {
        acks.set(message.broadcastId, resolve);
        writer.send(JSON.stringify(message));
      });
    for (let i = 0; i < 50; i++) await op(createMarker(room, '😀'.repeat(2000)));
    const before = await memory(url);

    let fastEvents = 0;
    const fast = await client(url, (m) => m.type === 'new-image-chat' && fastEvents++);
    fast.send(JSON.stringify({ type: 'subscribe', room }));
    const slow = await client(url);
    (slow as unknown as { _socket: Socket })._socket.pause();
    for (let i = 0; i < 200; i++) slow.send(JSON.stringify({ type: 'subscribe', room }));
    for (let i = 0; i < 200; i++) await op(createMarker(room, `change ${i}`));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const during = await memory(url);
    console.log(
      `${label.padEnd(34)} rss ${(before.rss / MiB).toFixed(0)} → ${(during.rss / MiB).toFixed(0)} MiB, heap used ${(before.heap / MiB).toFixed(0)} → ${(during.heap / MiB).toFixed(0)} MiB;` +
        ` slow consumer closed: ${during.slowClosed ? 'yes' : 'no'}; the reading client got ${fastEvents}/200 new events`,
    );
    for (const ws of [writer, fast, slow]) ws.terminate();
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await run('bound 4 MiB (default):', 4 * MiB);
await run('bound lifted (1 GiB), for contrast:', 1024 * MiB);
