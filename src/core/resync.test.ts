import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Marker, Op } from '../../protocol/index.js';
import { settleLostOp } from './resync.js';

const create: Op = { type: 'create-marker', room: 'r', broadcastId: 'b1', marker: { id: 'm1', x: 1, y: 2 }, comment: { id: 'c1', text: 'hi' } };
const move: Op = { type: 'move-marker', room: 'r', broadcastId: 'b2', markerId: 'm1', x: 5, y: 5 };
const marker = (id: string, commentId = 'c0'): Marker => ({
  id,
  x: 1,
  y: 2,
  resolved: false,
  createdAt: 1,
  author: { id: 'u', name: 'U' },
  comments: [{ id: commentId, text: 'x', createdAt: 1, author: { id: 'u', name: 'U' } }],
});

describe('settleLostOp (an op whose ack the link lost, during its room resync)', () => {
  it('is confirmed by its own event in the replay, and waits through others', () => {
    const own = { type: 'new-image-chat', room: 'r', seq: 7, broadcastId: 'b1', marker: marker('m1', 'c1') } as const;
    const other = { ...own, broadcastId: 'zz' };
    assert.equal(settleLostOp(create, other), 'wait');
    assert.equal(settleLostOp(create, own), 'confirmed');
  });

  it('fails when the replay ends (`subscribed`) without its event: the server never committed it', () => {
    assert.equal(settleLostOp(create, { type: 'subscribed', room: 'r', epoch: 'e', seq: 9 }), 'failed');
  });

  it('after a snapshot, is confirmed when what it created is there, failed otherwise', () => {
    const snapshot = (markers: Marker[]) => ({ type: 'snapshot', room: 'r', epoch: 'e', seq: 9, markers }) as const;
    assert.equal(settleLostOp(create, snapshot([marker('m1', 'c1')])), 'confirmed');
    assert.equal(settleLostOp(create, snapshot([])), 'failed');
    // A move can't be recognised in a snapshot: reported failed; a Retry is safe (idempotency).
    assert.equal(settleLostOp(move, snapshot([marker('m1')])), 'failed');
  });

  it('waits through a room error', () => {
    assert.equal(settleLostOp(create, { type: 'error', room: 'r', code: 'internal', message: 'x' }), 'wait');
  });
});
