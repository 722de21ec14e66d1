/**
 * The delta logic shared by the confirmed layer (server events) and the optimistic layer (the user's pending ops):
 * pure functions from a marker list to a new marker list. Inputs are never mutated.
 */
import type { Change, Comment, Marker, Op, RoomEvent, User } from '../../protocol/index.js';

/** Who made a pending op and when, so it can be shown before the server has stamped it. */
export interface OpContext {
  author: User;
  createdAt: number;
}

/** Replaces the marker with `id` by `update(marker)`; `null` from `update` removes it. */
function mapMarker(markers: readonly Marker[], id: string, update: (m: Marker) => Marker | null): Marker[] | null {
  const index = markers.findIndex((m) => m.id === id);
  if (index < 0) return null;
  const next = update(markers[index]);
  const copy = markers.slice();
  if (next) copy[index] = next;
  else copy.splice(index, 1);
  return copy;
}

/** Applies a `change` delta to one marker; `null` means the marker is gone (its last comment was deleted). */
export function applyChange(marker: Marker, change: Change): Marker | null {
  switch (change.kind) {
    case 'comment-added':
      if (marker.comments.some((c) => c.id === change.comment.id)) return marker;
      return { ...marker, comments: [...marker.comments, change.comment] };
    case 'comment-edited':
      return {
        ...marker,
        comments: marker.comments.map((c) => (c.id === change.comment.id ? change.comment : c)),
      };
    case 'comment-deleted': {
      const comments = marker.comments.filter((c) => c.id !== change.commentId);
      // SPEC §2: deleting a marker's last comment deletes the marker.
      return comments.length === 0 ? null : { ...marker, comments };
    }
    case 'marker-moved':
      return { ...marker, x: change.x, y: change.y };
    case 'marker-resolved':
      return { ...marker, resolved: change.resolved };
  }
}

/** Applies a committed server event. Events that refer to a marker we don't have leave the list unchanged. */
export function applyEventToMarkers(markers: readonly Marker[], event: RoomEvent): Marker[] {
  switch (event.type) {
    case 'new-image-chat':
      if (markers.some((m) => m.id === event.marker.id)) {
        return markers.map((m) => (m.id === event.marker.id ? event.marker : m));
      }
      return [...markers, event.marker];
    case 'image-chat-updated':
      return mapMarker(markers, event.markerId, (m) => applyChange(m, event.change)) ?? markers.slice();
    case 'deleted-image-chat':
      return markers.filter((m) => m.id !== event.markerId);
  }
}

/** The change an op would make to a marker, as the server will describe it (comment author and time are local guesses). */
function opToChange(op: Exclude<Op, { type: 'create-marker' | 'delete-marker' }>, marker: Marker, ctx: OpContext): Change | null {
  switch (op.type) {
    case 'add-comment':
      return { kind: 'comment-added', comment: { ...op.comment, createdAt: ctx.createdAt, author: ctx.author } };
    case 'edit-comment': {
      const old = marker.comments.find((c) => c.id === op.commentId);
      if (!old) return null;
      const comment: Comment = { ...old, text: op.text, editedAt: ctx.createdAt };
      return { kind: 'comment-edited', comment };
    }
    case 'delete-comment':
      return marker.comments.some((c) => c.id === op.commentId) ? { kind: 'comment-deleted', commentId: op.commentId } : null;
    case 'move-marker':
      return { kind: 'marker-moved', x: op.x, y: op.y };
    case 'resolve-marker':
      return { kind: 'marker-resolved', resolved: op.resolved };
  }
}

/**
 * Applies one of the user's pending ops optimistically. Returns `null` when the op no longer applies (for instance
 * someone else deleted its marker meanwhile): the optimistic layer then simply skips it.
 */
export function applyOpToMarkers(markers: readonly Marker[], op: Op, ctx: OpContext): Marker[] | null {
  if (op.type === 'create-marker') {
    if (markers.some((m) => m.id === op.marker.id)) return null;
    const comment: Comment = { ...op.comment, createdAt: ctx.createdAt, author: ctx.author };
    const marker: Marker = {
      id: op.marker.id,
      x: op.marker.x,
      y: op.marker.y,
      resolved: false,
      createdAt: ctx.createdAt,
      author: ctx.author,
      comments: [comment],
    };
    return [...markers, marker];
  }
  if (op.type === 'delete-marker') {
    return markers.some((m) => m.id === op.markerId) ? markers.filter((m) => m.id !== op.markerId) : null;
  }
  let applied = true;
  const result = mapMarker(markers, op.markerId, (m) => {
    const change = opToChange(op, m, ctx);
    if (!change) {
      applied = false;
      return m;
    }
    return applyChange(m, change);
  });
  return result && applied ? result : null;
}
