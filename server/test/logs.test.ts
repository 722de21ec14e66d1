/**
 * Logs that tell a story (issue 11): the server's own JSON lines, read from its stdout as an operator would see them
 * — a line per connection opened and closed, per refused message with its code, per op at `debug` — and never a
 * token, a signed URL's query string or comment text, anywhere in what it prints.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ops, SseClient, uuid, WsClient, type TestServer } from './helpers.js';
import { startMain, type MainProcess } from './support/main-process.js';
import { mintUserToken } from '../tokens/user-token.js';
import { parseTenantConfig } from '../tenants/tenant-config.js';

const TENANTS = {
  limits: { maxBadFramesPerInterval: 3 },
  tenants: [
    { id: 'demo', guests: true, origins: ['*'] },
    { id: 'acme', secret: 'acme-logs-secret-'.padEnd(40, 'x'), origins: ['*'], adminKey: 'acme-logs-admin-key-0123' },
  ],
};

/** What the test helpers need of a server: its URLs. */
const asTestServer = (url: string) => ({ url, wsUrl: `${url.replace(/^http/, 'ws')}/ws` }) as TestServer;

describe('the log', () => {
  let dir: string;
  let server: MainProcess;
  const secrets: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'image-chat-logs-'));
    writeFileSync(join(dir, 'tenants.json'), JSON.stringify(TENANTS));
    server = await startMain({ LOG_LEVEL: 'debug', DATA_DIR: join(dir, 'data'), IMAGE_CHAT_CONFIG: join(dir, 'tenants.json') });
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells each connection, refusal and op, and never a token or comment text', async () => {
    const target = asTestServer(server.url);
    const [acme] = parseTenantConfig(JSON.stringify(TENANTS), 'test').filter((t) => t.id === 'acme');
    const token = await mintUserToken(acme, { sub: 'ana', name: 'Ana', ttlSeconds: 600 });
    const moderatorToken = await mintUserToken(acme, { sub: 'mo', name: 'Mo', role: 'moderator', ttlSeconds: 600 });
    // A room named after a signed image URL: its query string is a secret too.
    const signature = uuid();
    const room = `https://cdn.example/mockup.png?X-Signature=${signature}`;
    const text = `secret comment ${uuid()}`;
    const restText = `secret rest comment ${uuid()}`;
    secrets.push(token, moderatorToken, text, restText, signature);

    // A user over WebSocket: one op that commits, one that is refused (no such marker).
    const user = await WsClient.connect(target, { tenant: 'acme', token });
    await user.subscribe(room);
    const create = ops.createMarker(room, text);
    assert.equal((await user.op(create)).type, 'ack');
    const refused = await user.op(ops.editComment(room, uuid(), uuid(), 'never'));
    assert.equal(refused.type === 'error' && refused.code, 'not-found');
    await user.close();

    // A guest, who comes back with its guest token; a moderator's SSE stream with the token in the query.
    const guest = await WsClient.connect(target, { tenant: 'demo' });
    secrets.push(guest.guestToken!);
    await guest.close();
    const again = await WsClient.connect(target, { tenant: 'demo', token: guest.guestToken });
    await again.close();
    const stream = await SseClient.open(`${server.url}/api/events?tenant=acme&sub=${encodeURIComponent(room)}&token=${moderatorToken}`);
    await stream.next('snapshot');
    // An op over REST, with the bearer token.
    const response = await fetch(`${server.url}/api/rooms/${encodeURIComponent(room)}/ops?tenant=acme`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(ops.createMarker(room, restText)),
    });
    assert.equal(response.status, 200);
    await stream.next('new-image-chat');
    stream.close();
    // A socket that never says hello is closed by the server: the log says why (4408), even though it had no tenant.
    const silent = await WsClient.open(target);
    silent.send('{"type":"subscribe","room":"r"}');
    await silent.next('error');
    silent.ws.terminate();
    // One that floods bad frames is closed for it (4429), and one that sends binary is closed with 1003.
    const flooder = await WsClient.connect(target, { tenant: 'demo' });
    for (let i = 0; i < 4; i++) flooder.send('{"type":"nonsense"}');
    assert.equal((await flooder.closed).code, 4429);
    const binary = await WsClient.connect(target, { tenant: 'demo' });
    binary.ws.send(Buffer.from([1, 2, 3]));
    assert.equal((await binary.closed).code, 1003);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.stop();

    const lines = server.logLines();
    const find = (msg: string, fields: Record<string, unknown>) =>
      lines.filter((line) => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value));

    assert.equal(find('connection opened', { transport: 'websocket', tenant: 'acme', user: 'user' }).length, 1);
    assert.equal(find('connection opened', { transport: 'websocket', tenant: 'demo', user: 'guest' }).length, 4);
    assert.equal(find('connection opened', { transport: 'sse', tenant: 'acme', user: 'moderator' }).length, 1);
    // The client closed without a code (1005); the server closed the flooder and the binary sender, saying why.
    const closed = find('connection closed', { transport: 'websocket', tenant: 'acme', user: 'user', by: 'client', code: 1005 });
    assert.equal(closed.length, 1);
    assert.equal(typeof closed[0].durationMs, 'number');
    assert.equal(find('connection closed', { transport: 'sse', tenant: 'acme', by: 'client' }).length, 1);
    assert.equal(find('connection closed', { transport: 'websocket', tenant: undefined, by: 'client', code: 1006 }).length, 1);
    assert.equal(find('connection closed', { tenant: 'demo', by: 'server', code: 4429, reason: 'too many bad frames' }).length, 1);
    assert.equal(find('connection closed', { tenant: 'demo', by: 'server', code: 1003, reason: 'binary frames are not supported' }).length, 1);
    const [rateLimit] = find('rate-limit close', { transport: 'websocket', tenant: 'demo', reason: 'too many bad frames' });
    assert.equal(rateLimit?.level, 40);
    assert.equal(rateLimit?.address, '127.0.0.1');
    assert.equal(find('message refused', { tenant: 'demo', type: 'unknown', code: 'bad-request' }).length, 4);
    // The refused op, with its type and code, on the connection that sent it; and the silent socket's refusal.
    const [refusal] = find('message refused', { transport: 'websocket', tenant: 'acme', type: 'edit-comment', code: 'not-found' });
    assert.ok(refusal, 'the refused op is logged');
    assert.equal(refusal.conn, closed[0].conn);
    assert.equal(find('message refused', { type: 'subscribe', code: 'bad-request' }).length, 1);
    // At debug, a line per op: its type, outcome and commit time; the room without its query string.
    const opLines = find('op', { tenant: 'acme', type: 'create-marker', outcome: 'ok', room: 'https://cdn.example/mockup.png' });
    assert.equal(opLines.length, 2);
    assert.ok(opLines.every((line) => typeof line.commitMs === 'number'));
    assert.equal(find('op', { type: 'edit-comment', outcome: 'not-found' }).length, 1);

    const everything = server.output();
    for (const secret of secrets) assert.ok(!everything.includes(secret), `the output must not contain ${secret.slice(0, 24)}…`);
  });
});

describe('the dashboard link', () => {
  it('is printed once at each start, with the demo tenant admin key kept in the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-chat-link-'));
    try {
      const keys: string[] = [];
      for (let start = 0; start < 2; start++) {
        const server = await startMain({ DATA_DIR: dir, LOG_LEVEL: 'info', IMAGE_CHAT_CONFIG: '' });
        try {
          const links = server.output().match(/http:\/\/localhost:\d+\/dashboard#key=[\w-]+/g) ?? [];
          assert.equal(links.length, 1, server.output());
          const key = links[0].split('#key=')[1];
          keys.push(key);
          const usage = await fetch(`${server.url}/api/tenants/demo/usage`, { headers: { Authorization: `Bearer ${key}` } });
          assert.equal(usage.status, 200);
          // The key is printed, never logged.
          assert.ok(server.logLines().every((line) => !JSON.stringify(line).includes(key)));
        } finally {
          await server.stop();
        }
      }
      assert.equal(keys[0], keys[1]);
      assert.ok(keys[0].length >= 32);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
