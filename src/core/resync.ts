/**
 * Settling the user's ops whose fate the connection lost (the link closed, or a POST got no answer, before the ack).
 * They stay pending until the room's resync says what happened (SPEC §2): their event in the replay confirms them;
 * a `subscribed` that ends the replay without it means the server never committed them: failed. After a snapshot
 * (log trimmed, epoch changed) only what the op created can be recognised: its marker or comment is there or not.
 */
import type { Marker, Op } from '../../protocol/index.js';
import type { RoomMessage } from '../net/types.js';

export type Settlement = 'confirmed' | 'failed' | 'wait';

/** What `message` (routed to the op's room during its resync) says about a lost op. */
export function settleLostOp(op: Op, message: RoomMessage): Settlement {
  switch (message.type) {
    case 'subscribed':
      return 'failed';
    case 'snapshot':
      return createdIn(op, message.markers) ? 'confirmed' : 'failed';
    case 'error':
      return 'wait';
    default:
      return message.broadcastId === op.broadcastId ? 'confirmed' : 'wait';
  }
}

function createdIn(op: Op, markers: readonly Marker[]): boolean {
  if (op.type === 'create-marker') return markers.some((m) => m.id === op.marker.id);
  if (op.type === 'add-comment') return markers.some((m) => m.comments.some((c) => c.id === op.comment.id));
  return false;
}
