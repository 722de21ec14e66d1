/**
 * What one message from the server does to a room's client state (SPEC §2): a snapshot replaces the confirmed layer;
 * `subscribed` ends a replay (one that ended short of the server asks again); events apply in `seq` order, a gap
 * asks again — unless a resync is under way, whose replay or snapshot covers it; `forbidden` empties the room. Pure:
 * the {@link RoomController} does what the outcome says (render, save, report, re-subscribe).
 */
import type { Marker } from '../../protocol/index.js';
import type { RoomMessage } from '../net/types.js';
import { applyEvents, applySnapshot, emptyRoomState, type RoomState } from './room-state.js';

export type ChangeKind = 'created' | 'updated' | 'deleted';
export type ChangeOrigin = 'local' | 'tab' | 'remote';
export interface ChangeDetail { kind: ChangeKind; markerId: string; origin: ChangeOrigin }

export interface MessageOutcome {
  state: RoomState;
  /** Whether a resync is under way after this message. */
  resyncing: boolean;
  /** Ask the server for the room again (from the state's seq). */
  resync: boolean;
  /** The server has spoken for the room: the cached copy shown meanwhile is superseded. */
  confirmed: boolean;
  /** The confirmed state changed (or was confirmed): worth writing to the cache. */
  save: boolean;
  /** The user may not see the room: forget its cached copy. */
  forget: boolean;
  /** Changes to report, by others (`remote`) or this user's other tabs (`tab`); the user's own are reported on their ack. */
  changes: ChangeDetail[];
  /** New markers by others, to announce to screen readers. */
  announce: Marker[];
}

/** The outcome of `message` for a room in `state`; `cached` says whether the markers shown are the cache's copy. */
export function receiveRoomMessage(state: RoomState, resyncing: boolean, cached: boolean, message: RoomMessage): MessageOutcome {
  const outcome: MessageOutcome = { state, resyncing, resync: false, confirmed: false, save: false, forget: false, changes: [], announce: [] };
  switch (message.type) {
    case 'snapshot':
      return { ...outcome, state: applySnapshot(state, message), resyncing: false, confirmed: true, save: true };
    case 'subscribed': {
      // The replay ended below where the server stands: something was lost on the way; ask again.
      const short = message.epoch !== state.epoch || message.seq > state.seq;
      return { ...outcome, resyncing: short, resync: short, confirmed: true, save: true };
    }
    case 'error':
      // This user may not see the room (any more): nothing of it stays on screen or in this browser.
      return message.code === 'forbidden' ? { ...outcome, state: emptyRoomState(), forget: true, confirmed: true } : outcome;
    default: {
      // Pending here: ours (reported as `local` when acked) or another tab's (reported as `tab` now, confirmed).
      const pending = new Map(state.pending.map((p) => [p.broadcastId, p.origin]));
      const result = applyEvents(state, [message]);
      // While a resync is under way, live events ahead of the replay are gaps too: the replay (which applies
      // normally) or the snapshot will cover them, so they must not start yet another resync.
      const gap = result.outcome === 'gap' && !resyncing;
      outcome.state = result.state;
      outcome.resync = gap;
      outcome.resyncing = resyncing || gap;
      outcome.save = result.applied.length > 0 && !cached;
      for (const event of result.applied) {
        const origin = pending.has(event.broadcastId) ? pending.get(event.broadcastId) : 'remote';
        if (!origin) continue; // ours: reported as `local` when acked
        const kind = event.type === 'new-image-chat' ? 'created' : event.type === 'deleted-image-chat' ? 'deleted' : 'updated';
        const markerId = event.type === 'new-image-chat' ? event.marker.id : event.markerId;
        if (event.type === 'new-image-chat' && origin === 'remote') outcome.announce.push(event.marker);
        outcome.changes.push({ kind, markerId, origin });
      }
      return outcome;
    }
  }
}
