/** `GET /readyz` (SPEC §3): ready when every probe — the database first — answers; 503 saying which did not. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkReadiness, storageProbe } from '../observability/readiness.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { api, startTestServer } from './helpers.js';

describe('GET /readyz', () => {
  it('answers 200 when the database answers', async () => {
    const server = await startTestServer();
    try {
      const ready = await api(server, '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.json, { ready: true, checks: [{ name: 'sqlite', ok: true }] });
      assert.equal(ready.headers.get('cache-control'), 'no-store');
    } finally {
      await server.stop();
    }
  });

  it('answers 503, naming the probe and why, when a database does not answer', async () => {
    // A real SQLite database, closed: every query on it now fails.
    const dir = mkdtempSync(join(tmpdir(), 'image-chat-readyz-'));
    const closed = new SqliteStorage({ dataDir: dir, eventLogRetention: 10, idempotencyTtlMs: 1000 });
    await closed.close();
    const server = await startTestServer({ readinessProbes: [storageProbe(closed, 'reports-db')] });
    try {
      const ready = await api(server, '/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.json.ready, false);
      assert.deepEqual(ready.json.checks[0], { name: 'sqlite', ok: true });
      assert.equal(ready.json.checks[1].name, 'reports-db');
      assert.equal(ready.json.checks[1].ok, false);
      assert.match(ready.json.checks[1].error, /database connection is not open/);
      assert.equal((await api(server, '/healthz')).status, 200, 'alive, though not ready');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts a probe that does not answer in time as not ready, rather than hanging', async () => {
    const hanging = { name: 'hangs', check: () => new Promise<void>(() => {}) };
    const result = await checkReadiness([hanging], 50);
    assert.deepEqual(result, { ready: false, checks: [{ name: 'hangs', ok: false, error: 'no answer within 50 ms' }] });
  });
});
