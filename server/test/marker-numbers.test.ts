/**
 * Stable marker numbers (SPEC §2 `number`): set by the server from a per-room counter at creation, never reused,
 * kept across restarts; databases from before numbers are migrated with numbers in creation order.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SCHEMA_SQL } from '../storage/sqlite-schema.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import { api, ops, startTestServer, uuid, WsClient } from './helpers.js';

describe('marker numbers', () => {
  it('are 1, 2, 3 in creation order, stay after a delete, and go on from 4 after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-numbers-'));
    const room = `numbers-${uuid()}`;
    try {
      const server = await startTestServer({ dataDir });
      const client = await WsClient.connect(server);
      await client.subscribe(room);
      const created = [ops.createMarker(room, 'one'), ops.createMarker(room, 'two'), ops.createMarker(room, 'three')];
      for (const op of created) assert.equal((await client.op(op)).type, 'ack');
      const events = [await client.event(room), await client.event(room), await client.event(room)];
      assert.deepEqual(events.map((e) => e.type === 'new-image-chat' && e.marker.number), [1, 2, 3]);
      assert.equal((await client.op(ops.deleteMarker(room, created[1]!.marker.id))).type, 'ack');
      const after = await api(server, `/api/rooms/${room}/markers`);
      assert.deepEqual(after.json.markers.map((m: { number: number }) => m.number), [1, 3]);
      await client.close();
      await server.stop(true);

      const restarted = await startTestServer({ dataDir });
      const again = await WsClient.connect(restarted);
      assert.equal((await again.op(ops.createMarker(room, 'four'))).type, 'ack');
      const final = await api(restarted, `/api/rooms/${room}/markers`);
      assert.deepEqual(final.json.markers.map((m: { number: number }) => m.number), [1, 3, 4]);
      await again.close();
      await restarted.stop(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('numbers the markers of a database from before numbers in creation order, and counts on from there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-migrate-'));
    try {
      // A version-2 database as the previous release left it: two rooms, markers without numbers.
      const old = new Database(join(dataDir, 'image-chat.db'));
      old.exec(SCHEMA_SQL);
      old.pragma('user_version = 2');
      const author = JSON.stringify({ id: 'ana', name: 'Ana' });
      const insert = old.prepare('INSERT INTO markers (tenant, room, id, x, y, resolved, created_at, author) VALUES (?, ?, ?, 1, 1, 0, 1, ?)');
      const ids = { a: [uuid(), uuid(), uuid()], b: [uuid()] };
      for (const id of [ids.a[0], ids.b[0], ids.a[1], ids.a[2]]) insert.run('t', ids.a.includes(id!) ? 'a' : 'b', id, author);
      old.prepare("INSERT INTO rooms (tenant, room, seq) VALUES ('t', 'a', 3), ('t', 'b', 1)").run();
      old.close();

      const storage = new SqliteStorage({ dataDir, eventLogRetention: 100, idempotencyTtlMs: 60_000 });
      try {
        const a = await storage.snapshot('t', 'a');
        assert.deepEqual(a.markers.map((m) => [m.id, m.number]), ids.a.map((id, i) => [id, i + 1]));
        assert.deepEqual((await storage.snapshot('t', 'b')).markers.map((m) => m.number), [1]);
        const op = ops.createMarker('a', 'after the upgrade');
        const result = await storage.commit({
          tenant: 't',
          op,
          fingerprint: op.broadcastId,
          now: 2,
          decide: (state) => {
            assert.equal(state.markerCount, 3, 'the room row counts its markers after the migration');
            return { type: 'new-image-chat', room: 'a', broadcastId: op.broadcastId, marker: { id: op.marker.id, number: state.nextNumber, x: 1, y: 1, resolved: false, createdAt: 2, author: { id: 'ana', name: 'Ana' }, comments: [] } };
          },
        });
        assert.equal(result.seq, 4);
        assert.deepEqual((await storage.snapshot('t', 'a')).markers.map((m) => m.number), [1, 2, 3, 4]);
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
