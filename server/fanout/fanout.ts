import type { EventRun, WireEvent } from './event-run.js';

/** Receives a room's events, a run at a time, in the order they were published (an object, not a closure: a
 * subscription is its own listener, which keeps an idle connection small). */
export interface RunListener {
  onRun(run: EventRun): void;
  /** Events may have been lost on the way (the fan-out's link came back after a cut): check the log. */
  onMaybeMissed?(): void;
}

/**
 * Delivers committed events to every subscriber of a room, in this process (local-fanout.ts) or, later, across
 * processes (Redis pub/sub). Events published for a room in one turn of the event loop reach each listener as one
 * run (the seed's "intelligent batching": a busy room's events travel together, a quiet room's event goes alone,
 * with no added delay). Delivery order may differ from seq order across processes: subscribers re-order by seq
 * (realtime/subscription.ts), so an implementation only has to deliver each event at least once.
 */
export interface Fanout {
  /**
   * Adds a listener. Once the returned promise (if any) resolves, every event published anywhere reaches it: a
   * subscription waits for that before it reads the snapshot or the log, so that nothing falls in between.
   */
  subscribe(tenant: string, room: string, listener: RunListener): void | Promise<void>;
  unsubscribe(tenant: string, room: string, listener: RunListener): void;
  /** Publishes a committed event (serialized once, at commit). */
  publish(tenant: string, room: string, event: WireEvent): void;
  /** Rooms with at least one listener in this process. */
  readonly roomCount: number;
  /** The same, for one tenant; and those rooms, and the tenants with any. */
  roomCountOf(tenant: string): number;
  roomsOf(tenant: string): string[];
  readonly tenants: string[];
  close(): Promise<void>;
}
