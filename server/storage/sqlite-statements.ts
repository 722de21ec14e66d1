/**
 * SqliteStorage's SQL: every statement it runs, prepared once per database, and the rows they read turned into the
 * protocol's shapes. (The transaction logic that uses them is in sqlite-storage.ts.)
 */
import type Database from 'better-sqlite3';
import type { Comment, Marker, User } from '../../protocol/messages.js';
import type { MarkerHead } from '../rooms/decide.js';

export interface MarkerRow { id: string; number: number; x: number; y: number; resolved: number; created_at: number; author: string }
export interface RoomRow { seq: number; last_number: number; marker_count: number }
export interface CommentRow { id: string; marker_id: string; text: string; created_at: number; edited_at: number | null; author: string }

/** @internal */
export type Statements = ReturnType<typeof prepareStatements>;

/** @internal Inferred from the statements; not part of the package's declarations. */
export function prepareStatements(db: Database.Database) {
  return {
    metaGet: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    metaPut: db.prepare<[string, string]>('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)'),
    roomSeq: db.prepare<[string, string], { seq: number }>('SELECT seq FROM rooms WHERE tenant = ? AND room = ?'),
    room: db.prepare<[string, string], RoomRow>('SELECT seq, last_number, marker_count FROM rooms WHERE tenant = ? AND room = ?'),
    roomUpsert: db.prepare<[string, string, number, number, number]>(
      `INSERT INTO rooms (tenant, room, seq, last_number, marker_count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant, room) DO UPDATE SET seq = excluded.seq, last_number = excluded.last_number, marker_count = excluded.marker_count`,
    ),
    markers: db.prepare<[string, string], MarkerRow>(
      'SELECT id, number, x, y, resolved, created_at, author FROM markers WHERE tenant = ? AND room = ? ORDER BY rowid',
    ),
    comments: db.prepare<[string, string], CommentRow>(
      'SELECT id, marker_id, text, created_at, edited_at, author FROM comments WHERE tenant = ? AND room = ? ORDER BY rowid',
    ),
    marker: db.prepare<[string, string, string], MarkerRow>(
      'SELECT id, number, x, y, resolved, created_at, author FROM markers WHERE tenant = ? AND room = ? AND id = ?',
    ),
    commentCount: db.prepare<[string, string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM comments WHERE tenant = ? AND room = ? AND marker_id = ?',
    ),
    comment: db.prepare<[string, string, string], CommentRow>(
      'SELECT id, marker_id, text, created_at, edited_at, author FROM comments WHERE tenant = ? AND room = ? AND id = ?',
    ),
    commentExists: db.prepare<[string, string, string], { one: number }>(
      'SELECT 1 AS one FROM comments WHERE tenant = ? AND room = ? AND id = ?',
    ),
    insertMarker: db.prepare<[string, string, string, number, number, number, number, number, string]>(
      'INSERT INTO markers (tenant, room, id, number, x, y, resolved, created_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertComment: db.prepare<[string, string, string, string, string, number, number | null, string]>(
      'INSERT INTO comments (tenant, room, id, marker_id, text, created_at, edited_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    editComment: db.prepare<[string, number, string, string, string]>(
      'UPDATE comments SET text = ?, edited_at = ? WHERE tenant = ? AND room = ? AND id = ?',
    ),
    deleteComment: db.prepare<[string, string, string]>('DELETE FROM comments WHERE tenant = ? AND room = ? AND id = ?'),
    deleteMarkerComments: db.prepare<[string, string, string]>('DELETE FROM comments WHERE tenant = ? AND room = ? AND marker_id = ?'),
    deleteMarker: db.prepare<[string, string, string]>('DELETE FROM markers WHERE tenant = ? AND room = ? AND id = ?'),
    moveMarker: db.prepare<[number, number, string, string, string]>('UPDATE markers SET x = ?, y = ? WHERE tenant = ? AND room = ? AND id = ?'),
    resolveMarker: db.prepare<[number, string, string, string]>('UPDATE markers SET resolved = ? WHERE tenant = ? AND room = ? AND id = ?'),
    insertEvent: db.prepare<[string, string, number, string]>('INSERT INTO events (tenant, room, seq, payload) VALUES (?, ?, ?, ?)'),
    trimEvents: db.prepare<[string, string, number]>('DELETE FROM events WHERE tenant = ? AND room = ? AND seq <= ?'),
    oldestEvent: db.prepare<[string, string], { seq: number | null }>('SELECT MIN(seq) AS seq FROM events WHERE tenant = ? AND room = ?'),
    eventsAfter: db.prepare<[string, string, number], { seq: number; payload: string }>(
      'SELECT seq, payload FROM events WHERE tenant = ? AND room = ? AND seq > ? ORDER BY seq',
    ),
    idemGet: db.prepare<[string, string], { fingerprint: string; seq: number }>(
      'SELECT fingerprint, seq FROM idempotency WHERE tenant = ? AND broadcast_id = ?',
    ),
    idemPut: db.prepare<[string, string, string, string, number, number]>(
      'INSERT INTO idempotency (tenant, broadcast_id, fingerprint, room, seq, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    idemPrune: db.prepare<[number]>('DELETE FROM idempotency WHERE created_at < ?'),
    roomCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM rooms WHERE tenant = ?'),
    usageAdd: db.prepare<[string, string, number, number, number]>(
      `INSERT INTO usage (tenant, day, messages, bytes, conversations) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (tenant, day) DO UPDATE SET messages = messages + excluded.messages, bytes = bytes + excluded.bytes,
         conversations = conversations + excluded.conversations`,
    ),
    usageGet: db.prepare<[string], { day: string; messages: number; bytes: number; conversations: number }>(
      'SELECT day, messages, bytes, conversations FROM usage WHERE tenant = ? ORDER BY day',
    ),
  };
}

export function toComment(row: CommentRow): Comment {
  const comment: Comment = { id: row.id, text: row.text, createdAt: row.created_at, author: JSON.parse(row.author) as User };
  if (row.edited_at !== null) comment.editedAt = row.edited_at;
  return comment;
}

export function toMarkerHead(row: MarkerRow): MarkerHead {
  return {
    id: row.id,
    number: row.number,
    x: row.x,
    y: row.y,
    resolved: row.resolved === 1,
    createdAt: row.created_at,
    author: JSON.parse(row.author) as User,
  };
}

export function toMarker(row: MarkerRow, comments: Comment[]): Marker {
  return { ...toMarkerHead(row), comments };
}
