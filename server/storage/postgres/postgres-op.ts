/**
 * One op inside a group's transaction (postgres-commit.ts), on a room whose row that transaction has locked:
 * idempotency check and decision state in one query, the decision, the writes in one more (postgres-writes.ts).
 * Refused ops write nothing; the caller's savepoint undoes what an op wrote when it fails after writing.
 */
import type { PoolClient } from 'pg';
import type { RoomEvent } from '../../../protocol/messages.js';
import { ProtocolError } from '../../errors.js';
import { toWireEvent } from '../../fanout/event-run.js';
import { commentTarget, newCommentId, targetMarkerId } from '../../rooms/decide.js';
import type { CommitInput, CommitResult } from '../storage.js';
import { COMMENT_JSON, MARKER_JSON, toComment, toMarkerHead, type CommentJson, type MarkerJson } from './postgres-rows.js';
import { writeStatement } from './postgres-writes.js';

/** A room as the group's transaction holds it: read when locked, changed in memory, written back before COMMIT. */
export interface LockedRoom {
  tenant: string;
  room: string;
  seq: number;
  lastNumber: number;
  markerCount: number;
  /** The room had been written to before this transaction (else its row is this transaction's placeholder). */
  existedBefore: boolean;
  /** An op of this group wrote to it. */
  written: boolean;
}

interface StateRow {
  previous: { fingerprint: string; seq: number } | null;
  marker: MarkerJson | null;
  comment_count: number;
  comment: CommentJson | null;
  comment_id_taken: boolean;
}

// Everything a decision can need, in one round trip: only what this op needs (a reply on a thread of 500 comments
// counts them, it does not read them).
const STATE_SQL = `SELECT
  (SELECT json_build_object('fingerprint', fingerprint, 'seq', seq) FROM idempotency WHERE tenant = $1 AND broadcast_id = $2) AS previous,
  (SELECT ${MARKER_JSON} FROM markers WHERE tenant = $1 AND room = $3 AND id = $4) AS marker,
  CASE WHEN $5::boolean THEN (SELECT count(*)::int FROM comments WHERE tenant = $1 AND room = $3 AND marker_id = $4) ELSE 0 END AS comment_count,
  (SELECT ${COMMENT_JSON} FROM comments WHERE tenant = $1 AND room = $3 AND id = $6::text) AS comment,
  EXISTS (SELECT 1 FROM comments WHERE tenant = $1 AND room = $3 AND id = $7::text) AS comment_id_taken`;

/** Raised when the op's key was taken by another process's transaction meanwhile: roll back and answer from it. */
export class KeyTakenMeanwhile extends Error {}

/**
 * Commits `input` on `room` (locked by the caller), or throws (ProtocolError to refuse). `newRoomOrdinal` gives the
 * number the tenant's rooms reach with this one, asked for only when the room does not exist yet.
 */
export async function commitOp(client: PoolClient, input: CommitInput, room: LockedRoom, newRoomOrdinal: () => Promise<number>): Promise<CommitResult> {
  const { tenant, op, fingerprint, now, decide } = input;
  const markerId = targetMarkerId(op);
  const countComments = op.type === 'add-comment' || op.type === 'delete-comment';
  const { rows } = await client.query<StateRow>({
    name: 'image-chat-decision-state',
    text: STATE_SQL,
    values: [tenant, op.broadcastId, op.room, markerId, countComments, commentTarget(op), newCommentId(op)],
  });
  const state = rows[0]!;
  if (state.previous) return answerFrom(state.previous, fingerprint, op.broadcastId);
  const marker = state.marker ? toMarkerHead(state.marker) : null;
  const comment = marker && state.comment && state.comment.markerId === markerId ? toComment(state.comment) : null;
  // A room row at seq 0 is this transaction's placeholder (the room does not exist until an op is written to it).
  const ordinal = room.seq === 0 ? await newRoomOrdinal() : 0;
  const body = decide({
    marker,
    commentCount: marker ? state.comment_count : 0,
    comment,
    markerCount: room.markerCount,
    nextNumber: room.lastNumber + 1,
    newRoomOrdinal: ordinal,
    commentIdTaken: state.comment_id_taken,
  });
  const seq = room.seq + 1;
  const event = { ...body, seq } as RoomEvent;
  const wire = toWireEvent(event);
  const written = await client.query<{ fresh: number }>(writeStatement(tenant, event, wire, fingerprint, now));
  if (written.rows[0]!.fresh === 0) throw new KeyTakenMeanwhile(op.broadcastId);
  // Only now that every write of the op went through: the room as the next op of the group sees it.
  room.seq = seq;
  room.written = true;
  if (event.type === 'new-image-chat') {
    room.lastNumber = event.marker.number!;
    room.markerCount += 1;
  } else if (event.type === 'deleted-image-chat') {
    room.markerCount -= 1;
  }
  return { duplicate: false, seq, event: wire };
}

/** The key's first use: the same op again → its first seq; another op under the same key → conflict. */
export function answerFrom(previous: { fingerprint: string; seq: number }, fingerprint: string, broadcastId: string): CommitResult {
  if (previous.fingerprint === fingerprint) return { duplicate: true, seq: previous.seq };
  throw new ProtocolError('conflict', `broadcastId ${broadcastId} was already used for a different op`);
}

/** Reads the key another transaction committed meanwhile (READ COMMITTED: this statement sees it). */
export async function answerFromStored(client: PoolClient, input: CommitInput): Promise<CommitResult> {
  const { rows } = await client.query<{ fingerprint: string; seq: number }>(
    'SELECT fingerprint, seq FROM idempotency WHERE tenant = $1 AND broadcast_id = $2',
    [input.tenant, input.op.broadcastId],
  );
  if (!rows[0]) throw new Error(`the idempotency key ${input.op.broadcastId} was taken and then vanished`);
  return answerFrom(rows[0], input.fingerprint, input.op.broadcastId);
}
