import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Marker, User } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import { decide, type DecisionState } from '../rooms/decide.js';
import { ops, uuid } from './helpers.js';

const alice: User = { id: 'u:alice', name: 'Alice', role: 'user' };
const bob: User = { id: 'u:bob', name: 'Bob' };
const moderator: User = { id: 'u:mod', name: 'Mo', role: 'moderator' };
const limits = { maxMarkersPerRoom: 3, maxCommentsPerMarker: 2, maxRoomsPerTenant: 5 };
const NOW = 1_700_000_000_000;

function markerBy(author: User, commentAuthors: User[] = [author]): Marker {
  return {
    id: uuid(),
    x: 1,
    y: 2,
    resolved: false,
    createdAt: 1,
    author: { id: author.id, name: author.name },
    comments: commentAuthors.map((a) => ({ id: uuid(), text: 't', createdAt: 1, author: { id: a.id, name: a.name } })),
  };
}
/** What a storage would read for an op on `marker` (`commentId`: the comment an edit or delete names). */
const state = (marker: Marker | null, extra: Partial<DecisionState> = {}, commentId?: string): DecisionState => ({
  marker,
  commentCount: marker?.comments.length ?? 0,
  comment: marker?.comments.find((c) => c.id === commentId) ?? null,
  markerCount: 0,
  nextNumber: 1,
  commentIdTaken: false,
  newRoomOrdinal: 0,
  ...extra,
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProtocolError);
    return err.code;
  }
  return 'no error';
};

describe('decide (pure op → event)', () => {
  it('creates a marker with server time, the author without the default role, unresolved', () => {
    const op = ops.createMarker('r', 'hi', 3, 4);
    const body = decide(op, state(null), alice, NOW, limits);
    assert.ok(body.type === 'new-image-chat');
    assert.deepEqual(body.marker.author, { id: 'u:alice', name: 'Alice' });
    assert.equal(body.marker.createdAt, NOW);
    assert.equal(body.marker.comments[0].createdAt, NOW);
    assert.equal(body.marker.resolved, false);
  });

  it('keeps the moderator role on authors', () => {
    const body = decide(ops.createMarker('r'), state(null), moderator, NOW, limits);
    assert.ok(body.type === 'new-image-chat' && body.marker.author.role === 'moderator');
  });

  it('refuses a full room and a full thread with too-large', () => {
    assert.equal(codeOf(() => decide(ops.createMarker('r'), state(null, { markerCount: 3 }), alice, NOW, limits)), 'too-large');
    const full = markerBy(alice, [alice, bob]);
    assert.equal(codeOf(() => decide(ops.addComment('r', full.id), state(full), alice, NOW, limits)), 'too-large');
  });

  it("refuses a room beyond the tenant's room limit with too-large, and counts only new rooms", () => {
    assert.equal(codeOf(() => decide(ops.createMarker('r'), state(null, { newRoomOrdinal: 6 }), alice, NOW, limits)), 'too-large');
    assert.equal(decide(ops.createMarker('r'), state(null, { newRoomOrdinal: 5 }), alice, NOW, limits).type, 'new-image-chat');
    assert.equal(decide(ops.createMarker('r'), state(null, { newRoomOrdinal: 0 }), alice, NOW, limits).type, 'new-image-chat');
  });

  it('refuses reused comment ids with conflict', () => {
    const marker = markerBy(alice);
    assert.equal(codeOf(() => decide(ops.addComment('r', marker.id), state(marker, { commentIdTaken: true }), bob, NOW, limits)), 'conflict');
  });

  it('lets anyone resolve or reopen a marker, author or not', () => {
    const marker = markerBy(alice);
    for (const resolved of [true, false]) {
      const body = decide(ops.resolveMarker('r', marker.id, resolved), state(marker), bob, NOW, limits);
      assert.ok(body.type === 'image-chat-updated' && body.change.kind === 'marker-resolved' && body.change.resolved === resolved);
    }
  });

  it('lets a moderator edit, move and delete anything; nobody else', () => {
    const marker = markerBy(alice);
    const commentId = marker.comments[0].id;
    for (const op of [
      ops.editComment('r', marker.id, commentId, 'moderated'),
      ops.deleteComment('r', marker.id, commentId),
      ops.moveMarker('r', marker.id, 9, 9),
      ops.deleteMarker('r', marker.id),
    ]) {
      assert.doesNotThrow(() => decide(op, state(marker, {}, commentId), moderator, NOW, limits), op.type);
      assert.equal(codeOf(() => decide(op, state(marker, {}, commentId), bob, NOW, limits)), 'forbidden', op.type);
    }
  });

  it("lets a comment's author edit it on someone else's marker", () => {
    const marker = markerBy(alice, [alice, bob]);
    const body = decide(ops.editComment('r', marker.id, marker.comments[1].id, 'fixed'), state(marker, {}, marker.comments[1].id), bob, NOW, limits);
    assert.ok(body.type === 'image-chat-updated' && body.change.kind === 'comment-edited');
    assert.equal(body.change.comment.editedAt, NOW);
    assert.equal(body.change.comment.createdAt, 1);
  });

  it('deletes the marker when its last comment goes', () => {
    const marker = markerBy(alice);
    const body = decide(ops.deleteComment('r', marker.id, marker.comments[0].id), state(marker, {}, marker.comments[0].id), alice, NOW, limits);
    assert.equal(body.type, 'deleted-image-chat');
  });

  it('refuses an edit or delete of a comment the marker does not have with not-found', () => {
    const marker = markerBy(alice);
    const elsewhere = uuid();
    assert.equal(codeOf(() => decide(ops.editComment('r', marker.id, elsewhere, 'x'), state(marker, {}, elsewhere), alice, NOW, limits)), 'not-found');
    assert.equal(codeOf(() => decide(ops.deleteComment('r', marker.id, elsewhere), state(marker, {}, elsewhere), alice, NOW, limits)), 'not-found');
  });
});
