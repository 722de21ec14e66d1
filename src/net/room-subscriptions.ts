/**
 * A {@link Connection}'s rooms and their subscribers: one server subscription serves every subscriber of a room (so
 * it resumes from where they all stand), room messages go to the room's subscribers and then settle the ops they
 * confirm, and a subscriber that throws is isolated — told, and its room asked for afresh — so one fault neither
 * silences the others nor freezes the room.
 */
import type { ClientMessage } from '../../protocol/index.js';
import type { OpAcks } from './op-acks.js';
import { clientError, type RoomMessage, type RoomSubscriber } from './types.js';

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

export class RoomSubscriptions {
  readonly rooms: Rooms = new Map();
  /** Rooms whose messages made a subscriber throw, and how often in a row (spaces the fresh snapshots out). */
  private readonly faults = new Map<string, number>();

  constructor(
    /** Sends a control frame on the open link (dropped while it is not: the next welcome re-subscribes). */
    private readonly send: (frame: ClientMessage) => void,
    private readonly acks: OpAcks,
  ) {}

  /**
   * Adds a subscriber; the room's first subscribes it on the server, a later one asks for a fresh snapshot (every
   * subscriber receives it, which is harmless: a snapshot replaces confirmed state). Returns the unsubscribe.
   */
  add(room: string, subscriber: RoomSubscriber): () => void {
    let set = this.rooms.get(room);
    const first = !set;
    if (!set) this.rooms.set(room, (set = new Set()));
    set.add(subscriber);
    this.send(first ? subscribeFrame(room, set) : { type: 'subscribe', room });
    return () => {
      const current = this.rooms.get(room);
      if (!current?.delete(subscriber) || current.size > 0) return;
      this.rooms.delete(room);
      this.faults.delete(room);
      this.acks.fail(room);
      this.send({ type: 'unsubscribe', room });
    };
  }

  /** Asks again for a room from where its subscribers stand: after a gap in `seq`. */
  resubscribe(room: string): void {
    if (this.rooms.has(room)) this.send(subscribeFrame(room, this.rooms.get(room)));
  }

  /** Every room's `subscribe` frame: what a new WebSocket sends after its welcome. */
  frames(): ClientMessage[] {
    return [...this.rooms].map(([room, subscribers]) => subscribeFrame(room, subscribers));
  }

  /** Delivers a room message, then settles the ops it confirms (their event) or, after a resync, fails. */
  route(room: string, message: RoomMessage): void {
    let faulted = false;
    for (const subscriber of this.rooms.get(room) ?? []) {
      try {
        subscriber.onMessage(message);
      } catch (error) {
        faulted = true;
        this.fault(room, subscriber, error);
      }
    }
    // The room came back whole: the next fault, if any, starts the spacing afresh.
    if (!faulted && (message.type === 'snapshot' || message.type === 'subscribed')) this.faults.delete(room);
    this.acks.route(room, message, (m) => caughtUp(this.rooms.get(room), m));
  }

  private fault(room: string, subscriber: RoomSubscriber, error: unknown): void {
    console.error(`image-chat: room ${room}:`, error);
    subscriber.onFault?.(clientError('internal', `Something went wrong showing this room: ${String(error)}`));
    const faults = (this.faults.get(room) ?? 0) + 1;
    this.faults.set(room, faults);
    // A fresh snapshot replaces what the fault left; should that fault too, the next asks come slower.
    setTimeout(() => this.faults.has(room) && this.send({ type: 'subscribe', room }), Math.min(30_000, 250 * 2 ** (faults - 1)));
  }
}
