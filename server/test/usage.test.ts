/** The usage endpoint (SPEC §3): counted per tenant per day, kept in the database, behind the tenant's admin key. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { api, ops, startTestServer, tenant, TEST_TENANTS, userToken, WsClient } from './helpers.js';

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
      assert.deepEqual(usage.json, { tenant: 'acme', ...expected, days: [{ day: today, ...expected }] });

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
