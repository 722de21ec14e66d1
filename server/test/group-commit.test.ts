/**
 * Group commit: ops that arrive together are committed in one transaction, each still decided in order with its own
 * seq, idempotency key and error; nothing is acked before its transaction commits.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Op } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import { decide } from '../rooms/decide.js';
import { opFingerprint } from '../rooms/fingerprint.js';
import { SqliteStorage } from '../storage/sqlite-storage.js';
import type { CommitResult } from '../storage/storage.js';
import { api, ops, startTestServer, uuid, WsClient } from './helpers.js';
import { databaseFor, dropDatabaseFor, TEST_ON_POSTGRES } from './support/test-storage.js';

const LIMITS = { maxMarkersPerRoom: 1000, maxCommentsPerMarker: 500, maxRoomsPerTenant: 1000 };
const ana = { id: 'ana', name: 'Ana' };
const bob = { id: 'bob', name: 'Bob' };

function openStorage() {
  const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-group-'));
  const storage = new SqliteStorage({ dataDir, eventLogRetention: 1000, idempotencyTtlMs: 60_000 });
  /** Queues a commit now (no await), as the transports do. */
  const commit = (op: Op, user = ana): Promise<CommitResult> =>
    storage.commit({ tenant: 't', op, fingerprint: opFingerprint(op, user.id), now: 1, decide: (state) => decide(op, state, user, 1, LIMITS) });
  const teardown = async () => {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { storage, commit, teardown };
}

const codeOf = async (pending: Promise<unknown>) =>
  pending.then(
    () => 'ok',
    (err: unknown) => (err instanceof ProtocolError ? err.code : `not a ProtocolError: ${String(err)}`),
  );

describe('group commit (storage)', () => {
  it('commits ops queued in one turn in one transaction, each with its own seq, in order', async () => {
    const { storage, commit, teardown } = openStorage();
    try {
      const before = { ...storage.commitStats };
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => commit(ops.createMarker(i % 2 ? 'a' : 'b', `m${i}`))));
      assert.deepEqual(storage.commitStats, { groups: before.groups + 1, ops: before.ops + 20 });
      assert.deepEqual(results.filter((_, i) => i % 2).map((r) => r.seq), Array.from({ length: 10 }, (_, i) => i + 1), 'room a');
      assert.deepEqual(results.filter((_, i) => !(i % 2)).map((r) => r.seq), Array.from({ length: 10 }, (_, i) => i + 1), 'room b');
      assert.equal((await storage.snapshot('t', 'a')).markers.length, 10);
    } finally {
      await teardown();
    }
  });

  it('a refused op in a group refuses only itself; a retry in the same group gets the first seq', async () => {
    const { storage, commit, teardown } = openStorage();
    try {
      const mine = ops.createMarker('r', 'Ana’s');
      assert.equal((await commit(mine)).seq, 1);
      const groupsBefore = storage.commitStats.groups;
      const first = ops.createMarker('r', 'first');
      const reused = { ...ops.createMarker('r', 'another op'), broadcastId: first.broadcastId };
      const pending = {
        first: commit(first),
        unknownMarker: commit(ops.addComment('r', uuid(), 'to nothing')),
        notTheAuthor: commit(ops.moveMarker('r', mine.marker.id, 1, 1), bob),
        retry: commit(first),
        conflict: commit(reused),
        sameMarkerAgain: commit({ ...ops.createMarker('r', 'dup id'), marker: { ...first.marker } }),
        reply: commit(ops.addComment('r', first.marker.id, 'a reply to the marker made earlier in this group'), bob),
      };
      assert.deepEqual(
        Object.fromEntries(await Promise.all(Object.entries(pending).map(async ([name, p]) => [name, await codeOf(p)]))),
        { first: 'ok', unknownMarker: 'not-found', notTheAuthor: 'forbidden', retry: 'ok', conflict: 'conflict', sameMarkerAgain: 'conflict', reply: 'ok' },
      );
      const firstResult = await pending.first;
      const retryResult = await pending.retry;
      assert.deepEqual([firstResult.seq, firstResult.duplicate], [2, false]);
      assert.deepEqual([retryResult.seq, retryResult.duplicate], [2, true], 'the retry is acked with the first seq, no new event');
      assert.equal((await pending.reply).seq, 3, 'seqs stay gap-free around the refused ops');
      assert.equal(storage.commitStats.groups, groupsBefore + 1);
      const snapshot = await storage.snapshot('t', 'r');
      assert.equal(snapshot.seq, 3);
      assert.deepEqual(snapshot.markers.map((m) => m.comments.length), [1, 2]);
      assert.deepEqual(snapshot.markers[0]!.comments[0]!.text, 'Ana’s');
    } finally {
      await teardown();
    }
  });
});

describe('group commit (server)', () => {
  const LIFTED = { opBurst: 100_000, opsPerSecond: 100_000, ipOpBurst: 100_000, ipOpsPerSecond: 100_000 };

  it('concurrent writers on one room and on several rooms each get their own ack, seq and error', async () => {
    const server = await startTestServer({ limits: LIFTED });
    try {
      const rooms = [`g1-${uuid()}`, `g2-${uuid()}`, `g3-${uuid()}`];
      const writers = await Promise.all(Array.from({ length: 6 }, () => WsClient.connect(server)));
      const sent: Array<{ writer: WsClient; op: Op; refused: boolean }> = [];
      for (let i = 0; i < 60; i++) {
        const writer = writers[i % writers.length]!;
        const room = rooms[i % rooms.length]!;
        // Every seventh op names a marker that does not exist: refused, alone.
        const refused = i % 7 === 6;
        const op = refused ? ops.resolveMarker(room, uuid(), true) : ops.createMarker(room, `op ${i}`);
        sent.push({ writer, op, refused });
        writer.send(op);
      }
      const replies = await Promise.all(sent.map(({ writer, op }) => writer.next((m) => (m.type === 'ack' || m.type === 'error') && m.broadcastId === op.broadcastId)));
      for (const [i, reply] of replies.entries()) {
        if (sent[i]!.refused) assert.ok(reply.type === 'error' && reply.code === 'not-found', `op ${i}: ${JSON.stringify(reply)}`);
        else assert.equal(reply.type, 'ack', `op ${i}: ${JSON.stringify(reply)}`);
      }
      for (const room of rooms) {
        const seqs = replies.filter((r, i) => r.type === 'ack' && sent[i]!.op.room === room).map((r) => (r.type === 'ack' ? r.seq : 0));
        assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: seqs.length }, (_, j) => j + 1), `${room}: one seq each, gap-free`);
        const snapshot = await api(server, `/api/rooms/${room}/markers`);
        assert.equal(snapshot.json.seq, seqs.length);
      }
      await Promise.all(writers.map((w) => w.close()));
    } finally {
      await server.stop();
    }
  });

  it('a crash (SIGKILL) right after the acks leaves every acked op in the database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-crash-'));
    // TEST_STORAGE=postgres: the same on PostgreSQL (the database standing for dataDir, as startTestServer uses).
    const database = TEST_ON_POSTGRES ? { DATABASE_URL: await databaseFor(dataDir) } : {};
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
      env: { ...process.env, LOG_LEVEL: 'silent', ...database },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          const match = /running at (\S+)/.exec(chunk.toString());
          if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const target = { url, wsUrl: `${url.replace(/^http/, 'ws')}/ws` } as Parameters<typeof WsClient.connect>[0];
      const room = `crash-${uuid()}`;
      const writers = await Promise.all(Array.from({ length: 4 }, () => WsClient.connect(target)));
      const sent = Array.from({ length: 120 }, (_, i) => ({ writer: writers[i % 4]!, op: ops.createMarker(room, `before the crash ${i}`) }));
      for (const { writer, op } of sent) writer.send(op);
      const acks = await Promise.all(sent.map(({ writer, op }) => writer.next((m) => m.type === 'ack' && m.broadcastId === op.broadcastId, 10_000)));
      child.kill('SIGKILL'); // no graceful close: nothing gets flushed after this
      await new Promise((resolve) => child.once('exit', resolve));
      const restarted = await startTestServer({ dataDir });
      try {
        const snapshot = await api(restarted, `/api/rooms/${room}/markers`);
        assert.equal(snapshot.json.seq, acks.length);
        const stored = new Set(snapshot.json.markers.map((m: { id: string }) => m.id));
        for (const { op } of sent) assert.ok(op.type === 'create-marker' && stored.has(op.marker.id), 'an acked op was lost');
      } finally {
        await restarted.stop(true);
      }
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabaseFor(dataDir);
    }
  });
});
