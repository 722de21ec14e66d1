/**
 * Markers and comments as PostgreSQL hands them over: built by `json_build_object` in the query (one round trip for
 * a whole snapshot or decision state, the author column's JSON nested as is), turned here into the protocol's
 * objects with their keys in the order the SQLite storage gives them.
 */
import type { Comment, Marker, User } from '../../../protocol/messages.js';
import type { MarkerHead } from '../../rooms/decide.js';

/** SQL: a marker row as JSON (the columns of `markers`, unqualified). */
export const MARKER_JSON = `json_build_object('id', id, 'number', number, 'x', x, 'y', y, 'resolved', resolved,
  'createdAt', created_at, 'author', author::json)`;

/** SQL: a comment row as JSON (the columns of `comments`, unqualified). */
export const COMMENT_JSON = `json_build_object('id', id, 'markerId', marker_id, 'text', text, 'createdAt', created_at,
  'editedAt', edited_at, 'author', author::json)`;

export interface MarkerJson {
  id: string;
  number: number;
  x: number;
  y: number;
  resolved: boolean;
  createdAt: number;
  author: User;
}

export interface CommentJson {
  id: string;
  markerId: string;
  text: string;
  createdAt: number;
  editedAt: number | null;
  author: User;
}

export function toMarkerHead(row: MarkerJson): MarkerHead {
  return { id: row.id, number: row.number, x: row.x, y: row.y, resolved: row.resolved, createdAt: row.createdAt, author: row.author };
}

export function toMarker(row: MarkerJson, comments: Comment[]): Marker {
  return { ...toMarkerHead(row), comments };
}

export function toComment(row: CommentJson): Comment {
  const comment: Comment = { id: row.id, text: row.text, createdAt: row.createdAt, author: row.author };
  if (row.editedAt !== null) comment.editedAt = row.editedAt;
  return comment;
}
