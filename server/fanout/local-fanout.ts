import { EventRun, type WireEvent } from './event-run.js';
import type { Fanout, RunListener } from './fanout.js';

/** A room's listeners, and the events published to it in this turn of the event loop, not delivered yet. */
interface Channel {
  readonly room: string;
  readonly listeners: Set<RunListener>;
  pending: WireEvent[] | null;
}

/**
 * In-process fan-out: a listener set per room. Publishing only queues the event on its room; at the end of the
 * current turn (a microtask, not a timer) each room that got events delivers them to every listener as one
 * EventRun — the same object for all, so each transport builds its frames once per room, not once per viewer.
 */
export class LocalFanout implements Fanout {
  private readonly rooms = new Map<string, Channel>();
  /** Rooms with listeners, per tenant (the usage answer's live rooms). */
  private readonly roomsPerTenant = new Map<string, Set<string>>();
  private dirty: Channel[] = [];

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(tenant: string, room: string, listener: RunListener): void {
    const key = roomKey(tenant, room);
    let channel = this.rooms.get(key);
    if (!channel) {
      this.rooms.set(key, (channel = { room, listeners: new Set(), pending: null }));
      let rooms = this.roomsPerTenant.get(tenant);
      if (!rooms) this.roomsPerTenant.set(tenant, (rooms = new Set()));
      rooms.add(room);
    }
    channel.listeners.add(listener);
  }

  unsubscribe(tenant: string, room: string, listener: RunListener): void {
    const key = roomKey(tenant, room);
    const channel = this.rooms.get(key);
    if (!channel?.listeners.delete(listener)) return;
    if (channel.listeners.size > 0) return;
    this.rooms.delete(key);
    const rooms = this.roomsPerTenant.get(tenant);
    rooms?.delete(room);
    if (rooms?.size === 0) this.roomsPerTenant.delete(tenant);
  }

  publish(tenant: string, room: string, event: WireEvent): void {
    const channel = this.rooms.get(roomKey(tenant, room));
    if (!channel) return; // nobody here is watching the room
    if (channel.pending) {
      channel.pending.push(event);
      return;
    }
    channel.pending = [event];
    if (this.dirty.push(channel) === 1) queueMicrotask(this.deliver);
  }

  private readonly deliver = (): void => {
    const dirty = this.dirty;
    this.dirty = [];
    for (const channel of dirty) {
      const run = new EventRun(channel.room, channel.pending!);
      channel.pending = null;
      // A Set may lose members while it is iterated (a socket closing): those not reached yet are skipped, which
      // is right. No copy per event.
      for (const listener of channel.listeners) {
        try {
          listener.onRun(run);
        } catch (err) {
          // One broken subscriber must not stop delivery to the others.
          this.onListenerError(err);
        }
      }
    }
  };

  /** Every listener of every room (to tell them all that events may have been missed). */
  forEachListener(visit: (listener: RunListener) => void): void {
    for (const channel of this.rooms.values()) for (const listener of channel.listeners) visit(listener);
  }

  /** The listeners of one room. */
  forEachListenerOf(tenant: string, room: string, visit: (listener: RunListener) => void): void {
    const channel = this.rooms.get(roomKey(tenant, room));
    if (channel) for (const listener of channel.listeners) visit(listener);
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  roomCountOf(tenant: string): number {
    return this.roomsPerTenant.get(tenant)?.size ?? 0;
  }

  /** The rooms of `tenant` with listeners here (for counts across processes, where a room counts once). */
  roomsOf(tenant: string): string[] {
    return [...(this.roomsPerTenant.get(tenant) ?? [])];
  }

  /** Tenants with a room open here. */
  get tenants(): string[] {
    return [...this.roomsPerTenant.keys()];
  }

  async close(): Promise<void> {
    this.rooms.clear();
    this.roomsPerTenant.clear();
    this.dirty = [];
  }
}

// NUL cannot appear in a tenant id, so tenant and room never run together ambiguously.
const roomKey = (tenant: string, room: string) => `${tenant}\u0000${room}`;
