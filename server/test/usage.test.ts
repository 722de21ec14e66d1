/** The usage endpoint (SPEC §3): counted per tenant per day, kept in the database, behind the tenant's admin key. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { api, ops, SseClient, startTestServer, tenant, TEST_TENANTS, userToken, WsClient, type TestServer } from './helpers.js';

const ADMIN_KEY = tenant('acme').adminKey!;

describe('GET /api/tenants/:tenant/usage', () => {
  it('counts the frames and bytes sent and the markers created, and keeps them across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-usage-'));
    // A flush interval longer than the test: what survives the restart is what the graceful close wrote.
    const options = { dataDir, tenants: TEST_TENANTS, limits: { usageFlushMs: 3_600_000 } };
    const server = await startTestServer(options);
    try {
      // Count on the client side what the server sent, to compare with what it reports.
      const client = await WsClient.open(server);
      let frames = 0;
      let bytes = 0;
      client.ws.on('message', (data: Buffer) => {
        frames++;
        bytes += data.length;
      });
      client.send({ type: 'hello', protocol: 1, tenant: 'acme', token: await userToken('acme', { sub: 'ana' }) });
      await client.next('welcome');
      await client.subscribe('home');
      for (let i = 0; i < 2; i++) {
        await client.op(ops.createMarker('home'));
        await client.event('home');
      }
      await client.close();
      // Another tenant's traffic is not acme's.
      const other = await WsClient.connect(server, { tenant: 'globex', token: await userToken('globex', { sub: 'gus' }) });
      await other.op(ops.createMarker('home'));
      await other.close();

      const usage = await api(server, '/api/tenants/acme/usage', { token: ADMIN_KEY });
      assert.equal(usage.status, 200);
      const today = new Date().toISOString().slice(0, 10);
      const expected = { pubSubMessageCount: frames, pubSubBandwidth: bytes, conversationCreateCount: 2 };
      const live = { connections: 0, rooms: 0 };
      assert.deepEqual(usage.json, { tenant: 'acme', ...expected, days: [{ day: today, ...expected }], live });

      await server.stop(true);
      const restarted = await startTestServer(options);
      try {
        assert.deepEqual((await api(restarted, '/api/tenants/acme/usage', { token: ADMIN_KEY })).json, usage.json);
      } finally {
        await restarted.stop(true);
      }
    } finally {
      await server.stop(true);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("tells the tenant's live connections and rooms, on every transport, and only the tenant's", async () => {
    const server = await startTestServer({ tenants: TEST_TENANTS });
    try {
      const token = await userToken('acme', { sub: 'ana' });
      const [a, b] = await Promise.all([WsClient.connect(server, { tenant: 'acme', token }), WsClient.connect(server, { tenant: 'acme', token })]);
      await a.subscribe('home');
      await a.subscribe('checkout');
      await b.subscribe('home');
      const stream = await SseClient.open(`${server.url}/api/events?tenant=acme&sub=pricing&token=${token}`);
      await stream.next('snapshot');
      const other = await WsClient.connect(server, { tenant: 'globex', token: await userToken('globex', { sub: 'gus' }) });
      await other.subscribe('home');
      assert.deepEqual(await liveOf(server), { connections: 3, rooms: 3 });

      // Closing is noticed by the server a moment later: wait until the counts follow.
      await b.close();
      await until(async () => JSON.stringify(await liveOf(server)) === JSON.stringify({ connections: 2, rooms: 3 }));
      stream.close();
      await a.close();
      await until(async () => JSON.stringify(await liveOf(server)) === JSON.stringify({ connections: 0, rooms: 0 }));
      await other.close();
    } finally {
      await server.stop();
    }
  });

  it('needs the admin key: 401 without or with a wrong one, 403 for a tenant without one, 404 for no tenant', async () => {
    const server = await startTestServer({ tenants: TEST_TENANTS });
    try {
      const status = async (path: string, token?: string) => (await api(server, path, { token })).status;
      assert.equal(await status('/api/tenants/acme/usage'), 401);
      assert.equal(await status('/api/tenants/acme/usage', `${ADMIN_KEY}x`), 401);
      assert.equal(await status('/api/tenants/acme/usage', await userToken('acme', { sub: 'a', role: 'moderator' })), 401);
      assert.equal(await status('/api/tenants/globex/usage', ADMIN_KEY), 403);
      assert.equal(await status('/api/tenants/nope/usage', ADMIN_KEY), 404);
    } finally {
      await server.stop();
    }
  });
});

async function liveOf(server: TestServer): Promise<{ connections: number; rooms: number }> {
  const usage = await api(server, '/api/tenants/acme/usage', { token: ADMIN_KEY });
  assert.equal(usage.status, 200);
  return usage.json.live;
}

/** Polls `condition` until it holds; fails after 5 s (a bound on a wait, not an assertion about speed). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5000; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error('the condition did not come true within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
