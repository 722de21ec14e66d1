import type { EventRun, WireEvent } from './event-run.js';

/** Receives a room's events, a run at a time, in the order they were published (an object, not a closure: a
 * subscription is its own listener, which keeps an idle connection small). */
export interface RunListener {
  onRun(run: EventRun): void;
}

/**
 * Delivers committed events to every subscriber of a room, in this process (local-fanout.ts) or, later, across
 * processes (Redis pub/sub). Events published for a room in one turn of the event loop reach each listener as one
 * run (the seed's "intelligent batching": a busy room's events travel together, a quiet room's event goes alone,
 * with no added delay). Delivery order may differ from seq order across processes: subscribers re-order by seq
 * (realtime/subscription.ts), so an implementation only has to deliver each event at least once.
 */
export interface Fanout {
  subscribe(tenant: string, room: string, listener: RunListener): void;
  unsubscribe(tenant: string, room: string, listener: RunListener): void;
  /** Publishes a committed event (serialized once, at commit). */
  publish(tenant: string, room: string, event: WireEvent): void;
  /** Rooms with at least one listener in this process. */
  readonly roomCount: number;
  /** The same, for one tenant. */
  roomCountOf(tenant: string): number;
  close(): Promise<void>;
}
