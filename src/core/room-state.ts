/**
 * A room's client state as SPEC §2 ("Echo and optimistic UI") defines it: the server-confirmed state, and over it an
 * ordered layer of the user's pending ops. Pure and immutable: every function returns a new state.
 *
 * Every server event — the user's own included — is applied to the confirmed layer in `seq` order and retires the
 * pending op with the same `broadcastId`; what the user sees is confirmed + pending (see {@link visibleMarkers}).
 */
import type { Marker, Op, RoomEvent, User } from '../../protocol/index.js';
import { applyEventToMarkers, applyOpToMarkers } from './apply.js';

/** `sending`: no ack yet. `acked`: the server committed it as `ackSeq`, but its event has not arrived yet. */
export type PendingStatus = 'sending' | 'acked';

/** One of the user's ops (or another tab's, `origin: 'tab'`) that the confirmed state does not reflect yet. */
export interface PendingOp {
  op: Op;
  broadcastId: string;
  author: User;
  createdAt: number;
  status: PendingStatus;
  /** The seq from the op's ack, once acked. */
  ackSeq?: number;
  /** `'tab'`: passed on by another tab of this browser; it is not ours to confirm or report failed. */
  origin?: 'tab';
  /** A tab entry's deadline (epoch ms): dropped then if its event has not come (the origin tab may have closed). */
  expiresAt?: number;
}

export interface RoomState {
  /** Null until the first snapshot: the client then knows nothing confirmed yet. */
  epoch: string | null;
  /** The last seq applied to `markers`. */
  seq: number;
  /** Server-confirmed markers. */
  markers: readonly Marker[];
  pending: readonly PendingOp[];
  /** The broadcastIds of the latest applied events, newest last: a tab message arriving after its event is ignored. */
  applied: readonly string[];
}

/** How many applied broadcastIds to remember: far more than the ops in flight between two tabs. */
const APPLIED_MEMORY = 256;

/** What happened to an event: applied, dropped as already seen, or refused because events before it are missing. */
export type EventOutcome = 'applied' | 'stale' | 'gap';

export function emptyRoomState(): RoomState {
  return { epoch: null, seq: 0, markers: [], pending: [], applied: [] };
}

/**
 * Replaces the confirmed layer with a snapshot. Pending ops acknowledged at or below the snapshot's seq (same
 * epoch) are in it, so they retire; ops still waiting for their ack stay pending — their ack or error settles them.
 */
export function applySnapshot(state: RoomState, snapshot: { epoch: string; seq: number; markers: readonly Marker[] }): RoomState {
  const sameEpoch = state.epoch === snapshot.epoch;
  const pending = state.pending.filter((p) => {
    if (p.ackSeq === undefined) return true;
    // An ack from another epoch refers to a history that no longer exists: the op cannot be confirmed any more.
    return sameEpoch && p.ackSeq > snapshot.seq;
  });
  return { epoch: snapshot.epoch, seq: snapshot.seq, markers: snapshot.markers, pending, applied: sameEpoch ? state.applied : [] };
}

/**
 * Applies one event when it is the next one (`seq === state.seq + 1`). Stale events are dropped, but still retire
 * their pending op (the confirmed state already reflects them); a gap leaves the state unchanged.
 */
export function applyEvent(state: RoomState, event: RoomEvent): { state: RoomState; outcome: EventOutcome } {
  if (event.seq <= state.seq) {
    return { state: removePending(state, event.broadcastId), outcome: 'stale' };
  }
  if (event.seq !== state.seq + 1) return { state, outcome: 'gap' };
  return {
    state: {
      ...state,
      seq: event.seq,
      markers: applyEventToMarkers(state.markers, event),
      pending: state.pending.filter((p) => p.broadcastId !== event.broadcastId),
      applied: [...state.applied.slice(1 - APPLIED_MEMORY), event.broadcastId],
    },
    outcome: 'applied',
  };
}

/**
 * Applies several events in order (a `batch` frame, or a replay). Stops at the first gap and reports it; the
 * caller then re-subscribes from `state.seq`.
 */
export function applyEvents(state: RoomState, events: readonly RoomEvent[]): { state: RoomState; outcome: EventOutcome; applied: RoomEvent[] } {
  let current = state;
  const applied: RoomEvent[] = [];
  for (const event of events) {
    const result = applyEvent(current, event);
    current = result.state;
    if (result.outcome === 'gap') return { state: current, outcome: 'gap', applied };
    if (result.outcome === 'applied') applied.push(event);
  }
  return { state: current, outcome: applied.length > 0 ? 'applied' : 'stale', applied };
}

/** Adds an op to the optimistic layer, after every op already there. */
export function addPending(state: RoomState, pending: Omit<PendingOp, 'status'> & { status?: PendingStatus }): RoomState {
  return { ...state, pending: [...state.pending, { status: 'sending', ...pending }] };
}

/**
 * Adds an op passed on by another tab (SPEC §2: a pending entry like the user's own). Ignored when its event was
 * already applied (the server was faster than the tab message) or when it is already pending: never applied twice.
 */
export function addTabPending(state: RoomState, entry: Omit<PendingOp, 'status' | 'origin'> & { expiresAt: number }): RoomState {
  if (state.applied.includes(entry.broadcastId) || isPending(state, entry.broadcastId)) return state;
  return addPending(state, { ...entry, origin: 'tab' });
}

/** Drops the tab entries whose deadline has passed unconfirmed. */
export function dropExpired(state: RoomState, now: number): RoomState {
  const pending = state.pending.filter((p) => p.expiresAt === undefined || p.expiresAt > now);
  return pending.length === state.pending.length ? state : { ...state, pending };
}

/**
 * Records an op's ack. Ack and event may arrive in either order: when `seq` is already applied the op is confirmed
 * and retires; otherwise it stays pending (now `acked`) until its event arrives.
 */
export function markAcked(state: RoomState, broadcastId: string, seq: number): RoomState {
  if (seq <= state.seq) return removePending(state, broadcastId);
  return {
    ...state,
    pending: state.pending.map((p) => (p.broadcastId === broadcastId ? { ...p, status: 'acked', ackSeq: seq } : p)),
  };
}

/** Drops a pending op: a retirement, or a rollback when the server refused it. */
export function removePending(state: RoomState, broadcastId: string): RoomState {
  if (!state.pending.some((p) => p.broadcastId === broadcastId)) return state;
  return { ...state, pending: state.pending.filter((p) => p.broadcastId !== broadcastId) };
}

/** What the user sees: the confirmed markers with every pending op applied on top, in order. */
export function visibleMarkers(state: RoomState): readonly Marker[] {
  let markers = state.markers;
  for (const p of state.pending) {
    // An op that no longer applies (its marker was deleted by someone else) is skipped, not an error here:
    // the server will refuse it and the rollback will tell the user.
    markers = applyOpToMarkers(markers, p.op, p) ?? markers;
  }
  return markers;
}

/** Whether the pending op with this broadcastId is still waiting. */
export function isPending(state: RoomState, broadcastId: string): boolean {
  return state.pending.some((p) => p.broadcastId === broadcastId);
}
