import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Marker, Op, RoomEvent, User } from '../../protocol/index.js';
import {
  addPending,
  addTabPending,
  applyEvent,
  applyEvents,
  applySnapshot,
  dropExpired,
  emptyRoomState,
  markAcked,
  removePending,
  visibleMarkers,
  type RoomState,
} from './room-state.js';

const ana: User = { id: 'u-ana', name: 'Ana' };
const bob: User = { id: 'u-bob', name: 'Bob' };
const room = 'r';

function marker(id: string, author = bob, comments = 1): Marker {
  return {
    id,
    x: 10,
    y: 20,
    resolved: false,
    createdAt: 1,
    author,
    comments: Array.from({ length: comments }, (_, i) => ({ id: `${id}-c${i}`, text: `t${i}`, createdAt: 1, author })),
  };
}

function ready(markers: Marker[] = [], seq = 0): RoomState {
  return applySnapshot(emptyRoomState(), { epoch: 'e1', seq, markers });
}

function createOp(id: string, broadcastId: string, text = 'hello'): Op {
  return { type: 'create-marker', room, broadcastId, marker: { id, x: 30, y: 40 }, comment: { id: `${id}-c0`, text } };
}

function createdEvent(seq: number, m: Marker, broadcastId: string): RoomEvent {
  return { type: 'new-image-chat', room, seq, broadcastId, marker: m };
}

function pend(state: RoomState, op: Op): RoomState {
  return addPending(state, { op, broadcastId: op.broadcastId, author: ana, createdAt: 5 });
}

describe('room state', () => {
  describe('own changes', () => {
    it('shows a pending create at once', () => {
      const s = pend(ready(), createOp('m1', 'b1'));
      assert.equal(visibleMarkers(s).length, 1);
      assert.equal(visibleMarkers(s)[0].author.name, 'Ana');
      assert.equal(s.markers.length, 0);
    });

    it('does not double when its echo arrives (event before ack)', () => {
      let s = pend(ready(), createOp('m1', 'b1'));
      const r = applyEvent(s, createdEvent(1, { ...marker('m1', ana), x: 30, y: 40 }, 'b1'));
      assert.equal(r.outcome, 'applied');
      s = r.state;
      assert.equal(s.pending.length, 0);
      assert.equal(visibleMarkers(s).length, 1);
      s = markAcked(s, 'b1', 1); // the late ack is harmless
      assert.equal(visibleMarkers(s).length, 1);
      assert.equal(s.pending.length, 0);
    });

    it('keeps an acked op pending until its event arrives (ack before event)', () => {
      let s = pend(ready(), createOp('m1', 'b1'));
      s = markAcked(s, 'b1', 1);
      assert.equal(s.pending.length, 1);
      assert.equal(s.pending[0].status, 'acked');
      assert.equal(visibleMarkers(s).length, 1);
      s = applyEvent(s, createdEvent(1, marker('m1', ana), 'b1')).state;
      assert.equal(s.pending.length, 0);
      assert.equal(visibleMarkers(s).length, 1);
    });

    it('rolls back a refused op', () => {
      let s = pend(ready([marker('m0')], 3), { type: 'add-comment', room, broadcastId: 'b2', markerId: 'm0', comment: { id: 'c9', text: 'x' } });
      assert.equal(visibleMarkers(s)[0].comments.length, 2);
      s = removePending(s, 'b2');
      assert.equal(visibleMarkers(s)[0].comments.length, 1);
      assert.equal(s.seq, 3);
    });

    it('skips an op whose marker someone else deleted', () => {
      let s = pend(ready([marker('m0')], 1), { type: 'move-marker', room, broadcastId: 'b3', markerId: 'm0', x: 1, y: 2 });
      s = applyEvent(s, { type: 'deleted-image-chat', room, seq: 2, broadcastId: 'other', markerId: 'm0' }).state;
      assert.deepEqual(visibleMarkers(s), []);
      assert.equal(s.pending.length, 1);
    });

    it('applies edits, moves and resolves optimistically on top of confirmed state', () => {
      let s = ready([marker('m0', ana)], 1);
      s = pend(s, { type: 'edit-comment', room, broadcastId: 'e', markerId: 'm0', commentId: 'm0-c0', text: 'new' });
      s = pend(s, { type: 'move-marker', room, broadcastId: 'm', markerId: 'm0', x: 99, y: 1 });
      s = pend(s, { type: 'resolve-marker', room, broadcastId: 'r', markerId: 'm0', resolved: true });
      const [m] = visibleMarkers(s);
      assert.equal(m.comments[0].text, 'new');
      assert.equal(m.comments[0].editedAt, 5);
      assert.deepEqual([m.x, m.y, m.resolved], [99, 1, true]);
      assert.equal(s.markers[0].x, 10);
    });
  });

  describe('ordering', () => {
    it('converges to server order when others change the same marker concurrently', () => {
      let s = ready([marker('m0', ana)], 1);
      s = pend(s, { type: 'move-marker', room, broadcastId: 'mine', markerId: 'm0', x: 50, y: 50 });
      // Bob's move commits first, then ours: the final position is ours, as on the server.
      s = applyEvent(s, { type: 'image-chat-updated', room, seq: 2, broadcastId: 'bob', markerId: 'm0', change: { kind: 'marker-moved', x: 5, y: 5 } }).state;
      assert.equal(visibleMarkers(s)[0].x, 50); // ours still shows on top
      s = applyEvent(s, { type: 'image-chat-updated', room, seq: 3, broadcastId: 'mine', markerId: 'm0', change: { kind: 'marker-moved', x: 50, y: 50 } }).state;
      s = applyEvent(s, { type: 'image-chat-updated', room, seq: 4, broadcastId: 'bob2', markerId: 'm0', change: { kind: 'marker-moved', x: 7, y: 7 } }).state;
      assert.equal(visibleMarkers(s)[0].x, 7);
      assert.equal(s.pending.length, 0);
    });

    it('drops stale events and still retires their pending op', () => {
      let s = pend(ready([marker('m1', ana)], 5), createOp('m1', 'b1'));
      const r = applyEvent(s, createdEvent(5, marker('m1', ana), 'b1'));
      assert.equal(r.outcome, 'stale');
      assert.equal(r.state.seq, 5);
      assert.equal(r.state.pending.length, 0);
    });

    it('reports a gap and leaves the state unchanged', () => {
      const s = ready([], 2);
      const r = applyEvent(s, createdEvent(4, marker('m1'), 'x'));
      assert.equal(r.outcome, 'gap');
      assert.equal(r.state, s);
    });

    it('applies a batch in order and stops at a gap', () => {
      const s = ready([], 0);
      const ok = applyEvents(s, [createdEvent(1, marker('a'), 'x1'), createdEvent(2, marker('b'), 'x2'), createdEvent(2, marker('b'), 'x2')]);
      assert.equal(ok.outcome, 'applied');
      assert.equal(ok.state.seq, 2);
      assert.equal(ok.applied.length, 2);
      assert.deepEqual(ok.state.markers.map((m) => m.id), ['a', 'b']);
      const gap = applyEvents(s, [createdEvent(1, marker('a'), 'x1'), createdEvent(3, marker('c'), 'x3')]);
      assert.equal(gap.outcome, 'gap');
      assert.equal(gap.state.seq, 1);
    });
  });

  describe('deltas', () => {
    it('deleting the last comment deletes the marker, optimistically and confirmed', () => {
      let s = ready([marker('m0', ana, 1)], 1);
      s = pend(s, { type: 'delete-comment', room, broadcastId: 'd', markerId: 'm0', commentId: 'm0-c0' });
      assert.deepEqual(visibleMarkers(s), []);
      s = applyEvent(s, { type: 'image-chat-updated', room, seq: 2, broadcastId: 'd', markerId: 'm0', change: { kind: 'comment-deleted', commentId: 'm0-c0' } }).state;
      assert.deepEqual(s.markers, []);
    });

    it('deleting one of several comments keeps the marker', () => {
      const s = applyEvent(ready([marker('m0', ana, 2)], 1), { type: 'image-chat-updated', room, seq: 2, broadcastId: 'd', markerId: 'm0', change: { kind: 'comment-deleted', commentId: 'm0-c0' } }).state;
      assert.equal(s.markers[0].comments.length, 1);
    });
  });

  describe('snapshots', () => {
    it('retires acked ops the snapshot reflects and keeps unacked ones', () => {
      let s = pend(ready(), createOp('m1', 'b1'));
      s = pend(s, createOp('m2', 'b2'));
      s = markAcked(s, 'b1', 1);
      s = applySnapshot(s, { epoch: 'e1', seq: 1, markers: [marker('m1', ana)] });
      assert.deepEqual(s.pending.map((p) => p.broadcastId), ['b2']);
      assert.deepEqual(visibleMarkers(s).map((m) => m.id), ['m1', 'm2']);
    });

    it('drops acked ops when the epoch changed', () => {
      let s = markAcked(pend(ready(), createOp('m1', 'b1')), 'b1', 9);
      s = applySnapshot(s, { epoch: 'e2', seq: 0, markers: [] });
      assert.equal(s.pending.length, 0);
    });
  });

  describe('changes from other tabs', () => {
    const fromTab = (state: RoomState, op: Op, expiresAt = 100) =>
      addTabPending(state, { op, broadcastId: op.broadcastId, author: ana, createdAt: 5, expiresAt });

    it('shows a tab entry at once, as pending from a tab', () => {
      const s = fromTab(ready(), createOp('m1', 'b1'));
      assert.deepEqual(visibleMarkers(s).map((m) => m.id), ['m1']);
      assert.equal(s.pending[0].origin, 'tab');
      assert.equal(s.markers.length, 0);
    });

    it('is retired by its event, without doubling', () => {
      let s = fromTab(ready(), createOp('m1', 'b1'));
      s = applyEvent(s, createdEvent(1, { ...marker('m1', ana), x: 30, y: 40 }, 'b1')).state;
      assert.equal(s.pending.length, 0);
      assert.deepEqual(visibleMarkers(s).map((m) => m.id), ['m1']);
    });

    it('ignores a tab message whose event was already applied', () => {
      let s = applyEvent(ready(), createdEvent(1, marker('m1', ana), 'b1')).state;
      s = fromTab(s, createOp('m1', 'b1'));
      assert.equal(s.pending.length, 0);
    });

    it('ignores the same tab message twice', () => {
      const s = fromTab(fromTab(ready(), createOp('m1', 'b1')), createOp('m1', 'b1'));
      assert.equal(s.pending.length, 1);
    });

    it('drops a tab entry at its deadline, and only tab entries', () => {
      let s = pend(ready(), createOp('m0', 'b0'));
      s = fromTab(s, createOp('m1', 'b1'), 100);
      assert.equal(dropExpired(s, 99), s, 'nothing expired: the same state');
      s = dropExpired(s, 100);
      assert.deepEqual(s.pending.map((p) => p.broadcastId), ['b0']);
    });

    it('keeps a tab entry across a snapshot until its event or deadline', () => {
      let s = fromTab(ready(), createOp('m1', 'b1'));
      s = applySnapshot(s, { epoch: 'e1', seq: 3, markers: [] });
      assert.deepEqual(visibleMarkers(s).map((m) => m.id), ['m1']);
    });

    it('remembers a bounded number of applied broadcastIds', () => {
      let s = ready();
      for (let seq = 1; seq <= 300; seq++) s = applyEvent(s, createdEvent(seq, marker(`m${seq}`), `b${seq}`)).state;
      assert.equal(s.applied.length, 256);
      assert.equal(s.applied.at(-1), 'b300');
      assert.ok(!s.applied.includes('b44'));
    });
  });
});
