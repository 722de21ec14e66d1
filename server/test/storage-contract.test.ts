/**
 * The Storage contract (storage/storage.ts), one suite run against every backend (support/storage-backends.ts):
 * SQLite and PostgreSQL must give the same answers. Where several processes share a backend, two storages on one
 * database stand for two processes: gap-free seqs, each op once, one idempotency window, one schema, one epoch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Op, RoomEvent } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import { decide } from '../rooms/decide.js';
import { opFingerprint } from '../rooms/fingerprint.js';
import type { CommitResult, Storage } from '../storage/storage.js';
import { ops, uuid } from './helpers.js';
import { STORAGE_BACKENDS, type StoragePlace } from './support/storage-backends.js';

const LIMITS = { maxMarkersPerRoom: 1000, maxCommentsPerMarker: 500, maxRoomsPerTenant: 1000 };
const ana = { id: 'ana', name: 'Ana' };
const bob = { id: 'bob', name: 'Bob' };

/** Queues a commit now (no await), as the transports do. */
const commit = (storage: Storage, op: Op, user = ana, tenant = 't'): Promise<CommitResult> =>
  storage.commit({ tenant, op, fingerprint: opFingerprint(op, user.id), now: 1, decide: (state) => decide(op, state, user, 1, LIMITS) });

const codeOf = (pending: Promise<unknown>) =>
  pending.then(
    () => 'ok',
    (err: unknown) => (err instanceof ProtocolError ? err.code : `not a ProtocolError: ${String(err)}`),
  );

const eventsOf = (replay: { events: { json: string }[] } | null) => replay?.events.map((e) => JSON.parse(e.json) as RoomEvent) ?? null;

for (const backend of STORAGE_BACKENDS) {
  describe(`Storage contract: ${backend.name}`, () => {
    let place: StoragePlace;
    const open: Storage[] = [];
    /** A storage on the suite's place, closed after the suite if a test did not. */
    const openStorage = async (options?: Parameters<StoragePlace['open']>[0]) => {
      const storage = await place.open(options);
      open.push(storage);
      return storage;
    };
    const room = () => `room-${uuid()}`;

    before(async () => {
      place = await backend.fresh();
    });
    after(async () => {
      await Promise.all(open.map((storage) => storage.close()));
      await place.remove();
    });

    it('numbers a room’s events 1, 2, 3 and gives the committed event’s JSON', async () => {
      const storage = await openStorage();
      const r = room();
      const created = ops.createMarker(r, 'first');
      const first = await commit(storage, created);
      assert.equal(first.seq, 1);
      assert.ok(!first.duplicate);
      const event = JSON.parse(first.event.json) as RoomEvent;
      assert.equal(event.type, 'new-image-chat');
      assert.deepEqual([event.seq, event.broadcastId, event.type === 'new-image-chat' && event.marker.number], [1, created.broadcastId, 1]);
      assert.equal((await commit(storage, ops.addComment(r, created.marker.id, 'a reply'))).seq, 2);
      assert.equal((await commit(storage, ops.moveMarker(r, created.marker.id, 5, 6))).seq, 3);
      assert.equal((await storage.snapshot('t', r)).seq, 3);
      assert.equal((await storage.snapshot('t', room())).seq, 0, 'a room never written to');
    });

    it('answers the same op again with its first seq, and another op under the same key with conflict', async () => {
      const storage = await openStorage();
      const r = room();
      const created = ops.createMarker(r);
      assert.equal((await commit(storage, created)).seq, 1);
      assert.equal((await commit(storage, ops.addComment(r, created.marker.id))).seq, 2);
      assert.deepEqual(await commit(storage, created), { duplicate: true, seq: 1 });
      const reused = { ...ops.createMarker(r, 'another op'), broadcastId: created.broadcastId };
      assert.equal(await codeOf(commit(storage, reused)), 'conflict');
      assert.equal(await codeOf(commit(storage, created, bob)), 'conflict', 'the same op by someone else');
      const snapshot = await storage.snapshot('t', r);
      assert.equal(snapshot.seq, 2);
      assert.equal(snapshot.markers.length, 1);
    });

    it('commits the ops of one turn in one group; a refused op refuses only itself', async () => {
      const storage = await openStorage();
      const r = room();
      const mine = ops.createMarker(r, 'Ana’s');
      assert.equal((await commit(storage, mine)).seq, 1);
      const before = { ...storage.commitStats };
      const first = ops.createMarker(r, 'first');
      const pending = {
        first: commit(storage, first),
        unknownMarker: commit(storage, ops.addComment(r, uuid(), 'to nothing')),
        notTheAuthor: commit(storage, ops.moveMarker(r, mine.marker.id, 1, 1), bob),
        retry: commit(storage, first),
        conflict: commit(storage, { ...ops.createMarker(r, 'another op'), broadcastId: first.broadcastId }),
        reply: commit(storage, ops.addComment(r, mine.marker.id, 'after the refusals')),
      };
      assert.equal((await pending.first).seq, 2);
      assert.equal(await codeOf(pending.unknownMarker), 'not-found');
      assert.equal(await codeOf(pending.notTheAuthor), 'forbidden');
      assert.deepEqual(await pending.retry, { duplicate: true, seq: 2 });
      assert.equal(await codeOf(pending.conflict), 'conflict');
      assert.equal((await pending.reply).seq, 3);
      assert.deepEqual(storage.commitStats, { groups: before.groups + 1, ops: before.ops + 2 });
      const snapshot = await storage.snapshot('t', r);
      assert.equal(snapshot.seq, 3);
      assert.deepEqual(snapshot.markers.map((m) => m.comments.map((c) => c.text)), [['Ana’s', 'after the refusals'], ['first']]);
    });

    it('keeps each room’s ops in the order they came, over many rooms and turns', async () => {
      const storage = await openStorage();
      const rooms = Array.from({ length: 12 }, room);
      const pending: Array<{ room: string; result: Promise<CommitResult> }> = [];
      for (let turn = 0; turn < 10; turn++) {
        for (const r of rooms) for (let i = 0; i < 3; i++) pending.push({ room: r, result: commit(storage, ops.createMarker(r, `${turn}.${i}`)) });
        await new Promise((resolve) => setImmediate(resolve));
      }
      const results = await Promise.all(pending.map(({ result }) => result));
      for (const r of rooms) {
        assert.deepEqual(results.filter((_, i) => pending[i]!.room === r).map((result) => result.seq), Array.from({ length: 30 }, (_, i) => i + 1), r);
      }
    });

    it('a read holds every op of the room accepted before it was asked for', async () => {
      const storage = await openStorage();
      const r = room();
      const created = ops.createMarker(r);
      const first = commit(storage, created); // not awaited: a client's link was lost while it was in flight
      assert.equal((await storage.snapshot('t', r)).seq, 1, 'the snapshot holds it');
      const reply = commit(storage, ops.addComment(r, created.marker.id));
      assert.deepEqual(eventsOf(await storage.eventsSince('t', r, 1))!.map((e) => e.seq), [2], 'the replay holds it');
      assert.deepEqual((await Promise.all([first, reply])).map((result) => result.seq), [1, 2]);
    });

    it('a refused op never creates a room', async () => {
      const storage = await openStorage();
      const r = room();
      assert.equal(await codeOf(commit(storage, ops.addComment(r, uuid()), ana, 'rooms-tenant')), 'not-found');
      const limited = (op: Op) =>
        storage.commit({ tenant: 'rooms-tenant', op, fingerprint: opFingerprint(op, ana.id), now: 1, decide: (s) => decide(op, s, ana, 1, { ...LIMITS, maxRoomsPerTenant: 1 }) });
      assert.equal((await limited(ops.createMarker(room()))).seq, 1, 'the refused op did not take the one room');
      assert.equal(await codeOf(limited(ops.createMarker(room()))), 'too-large');
      assert.deepEqual(await storage.snapshot('rooms-tenant', r), { epoch: storage.epoch, seq: 0, markers: [] });
    });

    it('keeps marker numbers after a delete and a restart', async () => {
      const r = room();
      const storage = await openStorage();
      const created = [ops.createMarker(r, 'one'), ops.createMarker(r, 'two'), ops.createMarker(r, 'three')];
      for (const op of created) await commit(storage, op);
      await commit(storage, ops.deleteMarker(r, created[1]!.marker.id));
      assert.deepEqual((await storage.snapshot('t', r)).markers.map((m) => m.number), [1, 3]);
      await storage.close();
      const reopened = await openStorage();
      const four = await commit(reopened, ops.createMarker(r, 'four'));
      assert.equal(four.seq, 5);
      assert.deepEqual((await reopened.snapshot('t', r)).markers.map((m) => [m.number, m.comments[0]!.text]), [
        [1, 'one'],
        [3, 'three'],
        [4, 'four'],
      ]);
    });

    it('gives a snapshot of every change: markers in creation order with their threads', async () => {
      const storage = await openStorage();
      const r = room();
      const a = ops.createMarker(r, 'marker a', 33.333333333333336, 1e-7); // kept exactly, as a double
      const b = ops.createMarker(r, 'marker b', 10.25, 20.5);
      await commit(storage, a);
      await commit(storage, b, bob);
      const reply = ops.addComment(r, a.marker.id, 'reply to a');
      const gone = ops.addComment(r, a.marker.id, 'deleted soon');
      for (const op of [reply, gone]) await commit(storage, op, bob);
      await commit(storage, ops.editComment(r, a.marker.id, a.comment.id, 'marker a, edited'));
      await commit(storage, ops.deleteComment(r, a.marker.id, gone.comment.id), bob);
      await commit(storage, ops.moveMarker(r, b.marker.id, 99.5, 0), bob);
      await commit(storage, ops.resolveMarker(r, a.marker.id, true));
      const snapshot = await storage.snapshot('t', r);
      assert.deepEqual(snapshot, {
        epoch: storage.epoch,
        seq: 8,
        markers: [
          {
            id: a.marker.id,
            number: 1,
            x: 33.333333333333336,
            y: 1e-7,
            resolved: true,
            createdAt: 1,
            author: ana,
            comments: [
              { id: a.comment.id, text: 'marker a, edited', createdAt: 1, author: ana, editedAt: 1 },
              { id: reply.comment.id, text: 'reply to a', createdAt: 1, author: bob },
            ],
          },
          { id: b.marker.id, number: 2, x: 99.5, y: 0, resolved: false, createdAt: 1, author: bob, comments: [{ id: b.comment.id, text: 'marker b', createdAt: 1, author: bob }] },
        ],
      });
      // Replaying the log from the start leads to the same markers.
      const replay = eventsOf(await storage.eventsSince('t', r, 0))!;
      assert.deepEqual(replay.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.deepEqual(replay.map((e) => e.type), ['new-image-chat', 'new-image-chat', 'image-chat-updated', 'image-chat-updated', 'image-chat-updated', 'image-chat-updated', 'image-chat-updated', 'image-chat-updated']);
    });

    it('replays events after a seq; ahead of the room or past the retention → null, also once trimmed', async () => {
      const storage = await openStorage({ eventLogRetention: 3 });
      const r = room();
      const created = ops.createMarker(r, 'm');
      await commit(storage, created);
      // 260 events: more than the commits after which the log is trimmed (256 in both backends).
      for (let burst = 0; burst < 13; burst++) {
        await Promise.all(Array.from({ length: burst === 12 ? 19 : 20 }, (_, i) => commit(storage, ops.addComment(r, created.marker.id, `reply ${burst}.${i}`))));
      }
      assert.deepEqual(await storage.eventsSince('t', r, 260), { seq: 260, events: [] });
      assert.equal(await storage.eventsSince('t', r, 261), null, 'ahead of the room');
      assert.equal(await storage.eventsSince('t', room(), 1), null, 'ahead of a room never written to');
      assert.deepEqual(await storage.eventsSince('t', room(), 0), { seq: 0, events: [] });
      assert.deepEqual(eventsOf(await storage.eventsSince('t', r, 257))!.map((e) => e.seq), [258, 259, 260]);
      assert.equal(await storage.eventsSince('t', r, 256), null, 'past the retention');
      await storage.close();
      // With a wider retention, what was trimmed from the log cannot come back: null; what is left replays.
      const wide = await openStorage({ eventLogRetention: 1000 });
      assert.equal(await wide.eventsSince('t', r, 100), null, 'trimmed from the log');
      assert.deepEqual(eventsOf(await wide.eventsSince('t', r, 258))!.map((e) => e.seq), [259, 260]);
    });

    it('close lets the commits queued before it settle, and keeps them', async () => {
      const storage = await openStorage();
      const r = room();
      // More than one group's worth (64 on PostgreSQL), so that some wait for a group still to come.
      const queued = Array.from({ length: 150 }, (_, i) => commit(storage, ops.createMarker(r, `queued ${i}`)));
      await storage.close();
      assert.deepEqual((await Promise.all(queued)).map((result) => result.seq), Array.from({ length: 150 }, (_, i) => i + 1));
      const reopened = await openStorage();
      assert.equal((await reopened.snapshot('t', r)).markers.length, 150);
    });

    it('makes a meta value once and keeps it across a restart, with the epoch', async () => {
      const storage = await openStorage();
      const key = `key-${uuid()}`;
      assert.equal(await storage.metaValue(key, () => 'made'), 'made');
      assert.equal(await storage.metaValue(key, () => assert.fail('made twice')), 'made');
      const epoch = storage.epoch;
      assert.match(epoch, /^[\w-]{8,}$/);
      await storage.close();
      const reopened = await openStorage();
      assert.equal(await reopened.metaValue(key, () => assert.fail('made after a restart')), 'made');
      assert.equal(reopened.epoch, epoch);
    });

    it('adds usage deltas up, per tenant per day', async () => {
      const storage = await openStorage();
      const tenant = `usage-${uuid()}`;
      const day = (d: string, n: number) => ({ tenant, day: d, pubSubMessageCount: n, pubSubBandwidth: n * 100, conversationCreateCount: n % 2 });
      await storage.addUsage([day('2026-01-02', 1), day('2026-01-01', 2)]);
      await storage.addUsage([day('2026-01-02', 3), day('2026-01-02', 5), { ...day('2026-01-01', 7), tenant: 'other' }]);
      assert.deepEqual(await storage.usage(tenant), [
        { day: '2026-01-01', pubSubMessageCount: 2, pubSubBandwidth: 200, conversationCreateCount: 0 },
        { day: '2026-01-02', pubSubMessageCount: 9, pubSubBandwidth: 900, conversationCreateCount: 3 },
      ]);
      assert.deepEqual(await storage.usage(`nobody-${uuid()}`), []);
    });

    if (!backend.shared) return;

    describe('two processes on one database', () => {
      it('commit to one room at once: gap-free seqs, each op once', async () => {
        const [one, two] = [await openStorage(), await openStorage()];
        const r = room();
        const created = ops.createMarker(r, 'shared');
        await commit(one, created);
        const writes: Array<{ op: Op; pending: Promise<CommitResult> }> = [];
        // Bursts on both at once, so that their groups overlap on the room's lock.
        for (let burst = 0; burst < 10; burst++) {
          for (const storage of [one, two]) {
            for (let i = 0; i < 5; i++) {
              const op = ops.addComment(r, created.marker.id, `reply ${burst}.${i}`);
              writes.push({ op, pending: commit(storage, op) });
            }
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        const seqs = (await Promise.all(writes.map((w) => w.pending))).map((result) => result.seq);
        assert.deepEqual([...seqs].sort((a, b) => a - b), Array.from({ length: writes.length }, (_, i) => i + 2));
        const log = eventsOf(await two.eventsSince('t', r, 0))!;
        assert.deepEqual(log.map((e) => e.seq), Array.from({ length: writes.length + 1 }, (_, i) => i + 1));
        assert.deepEqual(new Set(log.slice(1).map((e) => e.broadcastId)), new Set(writes.map((w) => w.op.broadcastId)));
        const [a, b] = [await one.snapshot('t', r), await two.snapshot('t', r)];
        assert.deepEqual(a, b);
        assert.equal(a.markers[0]!.comments.length, writes.length + 1);
      });

      it('the same op on both at once: applied once, both answers with the first seq', async () => {
        const [one, two] = [await openStorage(), await openStorage()];
        for (let round = 0; round < 10; round++) {
          const r = room();
          const op = ops.createMarker(r, `round ${round}`);
          const results = await Promise.all([commit(one, op), commit(two, op)]);
          assert.deepEqual(results.map((result) => result.seq), [1, 1]);
          assert.equal(results.filter((result) => !result.duplicate).length, 1, 'applied once');
          assert.equal((await two.snapshot('t', r)).markers.length, 1);
        }
      });

      it('one key for two ops in two rooms at once: one applied, the other conflict, never internal', async () => {
        const [one, two] = [await openStorage(), await openStorage()];
        for (let round = 0; round < 10; round++) {
          const [a, b] = [room(), room()];
          // Rooms that exist already: making a room takes the tenant's lock, which would line the two up.
          await Promise.all([commit(one, ops.createMarker(a)), commit(two, ops.createMarker(b))]);
          const op = ops.createMarker(a, `round ${round}`);
          const other = { ...ops.createMarker(b, 'another op, same key'), broadcastId: op.broadcastId };
          // A few ops ahead of each in its group, so that both transactions are open when the key goes in.
          const ahead = (storage: Storage, r: string) => Array.from({ length: 5 }, () => commit(storage, ops.createMarker(r)));
          const pending = [...ahead(one, a), commit(one, op), ...ahead(two, b), commit(two, other)];
          await Promise.allSettled(pending);
          const codes = [await codeOf(pending[5]!), await codeOf(pending[11]!)];
          assert.deepEqual([...codes].sort(), ['conflict', 'ok'], `round ${round}`);
          const markers = (await one.snapshot('t', a)).markers.length + (await two.snapshot('t', b)).markers.length;
          assert.equal(markers, 13, 'the refused op wrote nothing');
        }
      });

      it('a deadlock between them (two keys taken in opposite orders) runs a group again: conflict, never internal', async () => {
        const [one, two] = [await openStorage(), await openStorage()];
        for (let round = 0; round < 3; round++) {
          const [a, b] = [room(), room()];
          await Promise.all([commit(one, ops.createMarker(a)), commit(two, ops.createMarker(b))]);
          const [first, second] = [ops.createMarker(a, 'key 1'), ops.createMarker(a, 'key 2')];
          // `two` takes key 2 then key 1 while `one` takes key 1 then key 2: each waits for the other.
          const reversed = [
            { ...ops.createMarker(b, 'key 2, another op'), broadcastId: second.broadcastId },
            { ...ops.createMarker(b, 'key 1, another op'), broadcastId: first.broadcastId },
          ];
          const codes = await Promise.all([commit(one, first), commit(one, second), commit(two, reversed[0]!), commit(two, reversed[1]!)].map(codeOf));
          assert.ok(
            (codes[0] === 'ok' && codes[1] === 'ok' && codes[2] === 'conflict' && codes[3] === 'conflict') ||
              (codes[0] === 'conflict' && codes[1] === 'conflict' && codes[2] === 'ok' && codes[3] === 'ok'),
            `round ${round}: ${codes.join(', ')}`,
          );
        }
      });

      it('two processes migrating an empty database at once both open, with one epoch', async () => {
        const empty = await backend.fresh();
        try {
          const [one, two] = await Promise.all([empty.open(), empty.open()]);
          try {
            assert.equal(one.epoch, two.epoch);
            const r = room();
            const created = ops.createMarker(r);
            assert.equal((await commit(one, created)).seq, 1);
            assert.equal((await commit(two, ops.addComment(r, created.marker.id))).seq, 2);
          } finally {
            await Promise.all([one.close(), two.close()]);
          }
        } finally {
          await empty.remove();
        }
      });
    });
  });
}
