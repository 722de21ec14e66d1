/**
 * An op's writes as one statement (one round trip): its idempotency key, its log entry and its effect on the state
 * tables, as data-modifying CTEs (PostgreSQL runs every one of them). The key goes in with ON CONFLICT DO NOTHING:
 * the same broadcastId committed meanwhile by another process (this insert waits for that transaction) gives
 * `fresh = 0` instead of an error, and the caller rolls the op's savepoint back — undoing the rest — and answers from
 * that process's result. Each statement is named, so PostgreSQL parses and plans it once per connection.
 */
import type { QueryConfig } from 'pg';
import type { RoomEvent } from '../../../protocol/messages.js';
import type { WireEvent } from '../../fanout/event-run.js';

// $1 tenant, $2 broadcast id, $3 fingerprint, $4 room, $5 seq, $6 now, $7 the event's JSON; the change's own from $8.
const recorded = (change: string) => `WITH fresh AS (
    INSERT INTO idempotency (tenant, broadcast_id, fingerprint, room, seq, created_at) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT DO NOTHING RETURNING 1
  ), logged AS (
    INSERT INTO events (tenant, room, seq, payload) VALUES ($1, $4, $5, $7)
  ), ${change}
  SELECT count(*)::int AS fresh FROM fresh`;

// Comments from arrays, in order (their `ord` follows it).
const INSERT_COMMENTS = (markerId: string, from: number) => `INSERT INTO comments (tenant, room, id, marker_id, text, created_at, edited_at, author)
    SELECT $1::text, $4::text, c.id, ${markerId}::text, c.text, c.created_at, c.edited_at, c.author
    FROM unnest($${from}::text[], $${from + 1}::text[], $${from + 2}::bigint[], $${from + 3}::bigint[], $${from + 4}::text[])
      WITH ORDINALITY AS c (id, text, created_at, edited_at, author, n) ORDER BY c.n`;

const SQL = {
  createMarker: recorded(`marker AS (
      INSERT INTO markers (tenant, room, id, number, x, y, resolved, created_at, author) VALUES ($1, $4, $8, $9, $10, $11, $12, $13, $14)
    ), thread AS (${INSERT_COMMENTS('$8', 15)})`),
  deleteMarker: recorded(`thread AS (DELETE FROM comments WHERE tenant = $1 AND room = $4 AND marker_id = $8),
    marker AS (DELETE FROM markers WHERE tenant = $1 AND room = $4 AND id = $8)`),
  addComment: recorded(`comment AS (${INSERT_COMMENTS('$8', 9)})`),
  editComment: recorded('comment AS (UPDATE comments SET text = $9, edited_at = $10 WHERE tenant = $1 AND room = $4 AND id = $8)'),
  deleteComment: recorded('comment AS (DELETE FROM comments WHERE tenant = $1 AND room = $4 AND id = $8)'),
  moveMarker: recorded('marker AS (UPDATE markers SET x = $9, y = $10 WHERE tenant = $1 AND room = $4 AND id = $8)'),
  resolveMarker: recorded('marker AS (UPDATE markers SET resolved = $9 WHERE tenant = $1 AND room = $4 AND id = $8)'),
} as const;

type Kind = keyof typeof SQL;

const named = (kind: Kind, values: unknown[]): QueryConfig => ({ name: `image-chat-write-${kind}`, text: SQL[kind], values });

const commentArrays = (comments: ReadonlyArray<{ id: string; text: string; createdAt: number; editedAt?: number; author: unknown }>) => [
  comments.map((c) => c.id),
  comments.map((c) => c.text),
  comments.map((c) => c.createdAt),
  comments.map((c) => c.editedAt ?? null),
  comments.map((c) => JSON.stringify(c.author)),
];

/** The statement that writes `event` (committed as `wire`) with its key; its one row's `fresh` is 0 if the key was taken. */
export function writeStatement(tenant: string, event: RoomEvent, wire: WireEvent, fingerprint: string, now: number): QueryConfig {
  const head = [tenant, event.broadcastId, fingerprint, event.room, event.seq, now, wire.json];
  switch (event.type) {
    case 'new-image-chat': {
      const m = event.marker;
      return named('createMarker', [...head, m.id, m.number, m.x, m.y, m.resolved, m.createdAt, JSON.stringify(m.author), ...commentArrays(m.comments)]);
    }
    case 'deleted-image-chat':
      return named('deleteMarker', [...head, event.markerId]);
    case 'image-chat-updated': {
      const change = event.change;
      switch (change.kind) {
        case 'comment-added':
          return named('addComment', [...head, event.markerId, ...commentArrays([change.comment])]);
        case 'comment-edited':
          return named('editComment', [...head, change.comment.id, change.comment.text, change.comment.editedAt ?? change.comment.createdAt]);
        case 'comment-deleted':
          return named('deleteComment', [...head, change.commentId]);
        case 'marker-moved':
          return named('moveMarker', [...head, event.markerId, change.x, change.y]);
        case 'marker-resolved':
          return named('resolveMarker', [...head, event.markerId, change.resolved]);
      }
    }
  }
}
