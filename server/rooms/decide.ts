/**
 * The pure core of the op pipeline: given an op, the current state it touches, the acting user and the time, decide
 * the event it produces — or refuse it with a ProtocolError. No I/O, so any storage (SQLite or PostgreSQL)
 * calls it inside its own transaction, and it is unit-tested on plain data.
 */
import type { Comment, Marker, Op, RoomEvent, User } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';

/** A room event before the storage numbers it. */
export type EventBody = RoomEvent extends infer E ? (E extends RoomEvent ? Omit<E, 'seq'> : never) : never;

/** A marker as the decision needs it: without its comments (an op never needs all of them). */
export type MarkerHead = Omit<Marker, 'comments'>;

/**
 * What the storage reads, inside the transaction, for the decision — only what the op can need, so that a reply on
 * a thread of 500 comments does not read the 500 (see `commentTarget`).
 */
export interface DecisionState {
  /** The marker the op names (`markerId`, or `marker.id` for create-marker); null if absent. */
  marker: MarkerHead | null;
  /** How many comments that marker has (0 without a marker). */
  commentCount: number;
  /** The comment an edit-comment or delete-comment names, when that marker has it; else null. */
  comment: Comment | null;
  /** Markers currently in the room. */
  markerCount: number;
  /** The number the room's next new marker gets (its counter + 1; numbers are never reused). */
  nextNumber: number;
  /** Whether a comment id the op would create already exists in the room. */
  commentIdTaken: boolean;
  /** 0 when the room exists; else the number the tenant's rooms would reach with this one. */
  newRoomOrdinal: number;
}

export interface DecisionLimits {
  maxRoomsPerTenant: number;
  maxMarkersPerRoom: number;
  maxCommentsPerMarker: number;
}

/** The marker id an op reads or creates. */
export function targetMarkerId(op: Op): string {
  return op.type === 'create-marker' ? op.marker.id : op.markerId;
}

/** The comment id an edit-comment or delete-comment names (the storage reads that comment), if any. */
export function commentTarget(op: Op): string | null {
  return op.type === 'edit-comment' || op.type === 'delete-comment' ? op.commentId : null;
}

/** The comment id an op creates, if any. */
export function newCommentId(op: Op): string | null {
  return op.type === 'create-marker' || op.type === 'add-comment' ? op.comment.id : null;
}

const canModerate = (user: User) => user.role === 'moderator';
const owns = (user: User, thing: { author: User }) => thing.author.id === user.id || canModerate(user);

function requireMarker(state: DecisionState, id: string): MarkerHead {
  if (!state.marker) throw new ProtocolError('not-found', `marker ${id} does not exist`);
  return state.marker;
}

function requireComment(state: DecisionState, marker: MarkerHead, id: string): Comment {
  if (!state.comment || state.comment.id !== id) throw new ProtocolError('not-found', `comment ${id} does not exist on marker ${marker.id}`);
  return state.comment;
}

/** Authors are kept without the default role, which keeps every frame that carries them smaller. */
export function authorOf(user: User): User {
  return user.role && user.role !== 'user' ? { id: user.id, name: user.name, role: user.role } : { id: user.id, name: user.name };
}

/**
 * Decides the event for `op`. Comment text must already be trimmed and length-checked (the schemas do it).
 * Throws ProtocolError for `not-found`, `forbidden`, `conflict` and `too-large` (a full room or thread).
 */
export function decide(op: Op, state: DecisionState, user: User, now: number, limits: DecisionLimits): EventBody {
  const base = { room: op.room, broadcastId: op.broadcastId };
  const author = authorOf(user);

  switch (op.type) {
    case 'create-marker': {
      if (state.marker) throw new ProtocolError('conflict', `marker ${op.marker.id} already exists`);
      if (state.commentIdTaken) throw new ProtocolError('conflict', `comment ${op.comment.id} already exists`);
      // `too-large` like a full room or thread: the tenant is full, not the user forbidden. Only create-marker can
      // write a room's first event (every other op needs a marker), and a refused op never creates a room.
      if (state.newRoomOrdinal > limits.maxRoomsPerTenant) {
        throw new ProtocolError('too-large', `this tenant holds at most ${limits.maxRoomsPerTenant} rooms`);
      }
      if (state.markerCount >= limits.maxMarkersPerRoom) {
        throw new ProtocolError('too-large', `a room holds at most ${limits.maxMarkersPerRoom} markers`);
      }
      const comment: Comment = { id: op.comment.id, text: op.comment.text, createdAt: now, author };
      const marker: Marker = {
        id: op.marker.id,
        number: state.nextNumber,
        x: op.marker.x,
        y: op.marker.y,
        resolved: false,
        createdAt: now,
        author,
        comments: [comment],
      };
      return { type: 'new-image-chat', ...base, marker };
    }
    case 'add-comment': {
      const marker = requireMarker(state, op.markerId);
      if (state.commentIdTaken) throw new ProtocolError('conflict', `comment ${op.comment.id} already exists`);
      if (state.commentCount >= limits.maxCommentsPerMarker) {
        throw new ProtocolError('too-large', `a marker holds at most ${limits.maxCommentsPerMarker} comments`);
      }
      const comment: Comment = { id: op.comment.id, text: op.comment.text, createdAt: now, author };
      return { type: 'image-chat-updated', ...base, markerId: marker.id, change: { kind: 'comment-added', comment } };
    }
    case 'edit-comment': {
      const marker = requireMarker(state, op.markerId);
      const comment = requireComment(state, marker, op.commentId);
      if (!owns(user, comment)) throw new ProtocolError('forbidden', 'only the author or a moderator may edit this comment');
      const edited: Comment = { ...comment, text: op.text, editedAt: now };
      return { type: 'image-chat-updated', ...base, markerId: marker.id, change: { kind: 'comment-edited', comment: edited } };
    }
    case 'delete-comment': {
      const marker = requireMarker(state, op.markerId);
      const comment = requireComment(state, marker, op.commentId);
      if (!owns(user, comment)) throw new ProtocolError('forbidden', 'only the author or a moderator may delete this comment');
      // A marker is its thread: deleting the last comment deletes the marker, as one event.
      if (state.commentCount === 1) return { type: 'deleted-image-chat', ...base, markerId: marker.id };
      return { type: 'image-chat-updated', ...base, markerId: marker.id, change: { kind: 'comment-deleted', commentId: comment.id } };
    }
    case 'move-marker': {
      const marker = requireMarker(state, op.markerId);
      if (!owns(user, marker)) throw new ProtocolError('forbidden', 'only the author or a moderator may move this marker');
      return { type: 'image-chat-updated', ...base, markerId: marker.id, change: { kind: 'marker-moved', x: op.x, y: op.y } };
    }
    case 'resolve-marker': {
      // Anyone allowed in the room (SPEC §2 rights): whoever sees the fix closes the thread, as in design-review
      // tools; reopening is the same op, so a wrong resolve is undone by anyone too.
      const marker = requireMarker(state, op.markerId);
      return { type: 'image-chat-updated', ...base, markerId: marker.id, change: { kind: 'marker-resolved', resolved: op.resolved } };
    }
    case 'delete-marker': {
      const marker = requireMarker(state, op.markerId);
      if (!owns(user, marker)) throw new ProtocolError('forbidden', 'only the author or a moderator may delete this marker');
      return { type: 'deleted-image-chat', ...base, markerId: marker.id };
    }
  }
}
