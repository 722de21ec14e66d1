import type { RoomEvent } from '../../protocol/messages.js';

export type EventListener = (event: RoomEvent) => void;

/**
 * Delivers committed events to every subscriber of a room, in this process (local-fanout.ts) or, later, across
 * processes (Redis pub/sub). Delivery order may differ from seq order across processes: subscribers re-order by
 * seq (realtime/subscription.ts), so an implementation only has to deliver each event at least once.
 */
export interface Fanout {
  /** Registers a listener; returns the function that removes it. */
  subscribe(tenant: string, room: string, listener: EventListener): () => void;
  publish(tenant: string, room: string, event: RoomEvent): void;
  /** Rooms with at least one listener in this process. */
  readonly roomCount: number;
  close(): Promise<void>;
}
