/**
 * Where a {@link Connection}'s room subscribers stand, for (re)subscribing: one server subscription serves every
 * subscriber of a room, so it resumes from where they all stand.
 */
import type { ClientMessage } from '../../protocol/index.js';
import type { RoomSubscriber } from './types.js';

/** A room and, when known, where to resume it. */
export interface RoomPosition {
  room: string;
  epoch?: string;
  since?: number;
}

/** The subscribers of each room, by room. */
export type Rooms = Map<string, Set<RoomSubscriber>>;

/** The `subscribe` frame for a room: from where its subscribers stand, or a fresh snapshot. */
export function subscribeFrame(room: string, subscribers: Iterable<RoomSubscriber> = []): ClientMessage {
  // Resume from the furthest-behind subscriber: those ahead drop the replayed events as stale.
  let position: { epoch: string; since: number } | undefined;
  for (const subscriber of subscribers) {
    const p = subscriber.position();
    if (!p) return { type: 'subscribe', room };
    if (position && p.epoch !== position.epoch) return { type: 'subscribe', room };
    if (!position || p.since < position.since) position = p;
  }
  return position ? { type: 'subscribe', room, epoch: position.epoch, since: position.since } : { type: 'subscribe', room };
}

/** Every room with where to resume it (for the SSE stream's URL). */
export function positions(rooms: Rooms): RoomPosition[] {
  return [...rooms].map(([room, subscribers]) => {
    const frame = subscribeFrame(room, subscribers) as RoomPosition;
    return { room, epoch: frame.epoch, since: frame.since };
  });
}

/** Whether every subscriber of a room stands where `subscribed` says the server is (else a resync follows). */
export function caughtUp(subscribers: Iterable<RoomSubscriber> = [], message: { epoch: string; seq: number }): boolean {
  return [...subscribers].every((s) => {
    const p = s.position();
    return p?.epoch === message.epoch && p.since >= message.seq;
  });
}
