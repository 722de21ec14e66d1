import type { RoomEvent } from '../../protocol/messages.js';
import type { EventListener, Fanout } from './fanout.js';

/** In-process fan-out: a listener set per room. Enough for one server process. */
export class LocalFanout implements Fanout {
  private readonly rooms = new Map<string, Set<EventListener>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(tenant: string, room: string, listener: EventListener): () => void {
    const key = roomKey(tenant, room);
    let listeners = this.rooms.get(key);
    if (!listeners) this.rooms.set(key, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.rooms.get(key) === listeners) this.rooms.delete(key);
    };
  }

  publish(tenant: string, room: string, event: RoomEvent): void {
    const listeners = this.rooms.get(roomKey(tenant, room));
    if (!listeners) return;
    // Copy: a listener may unsubscribe (e.g. a socket closing) while we iterate.
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        // One broken subscriber must not stop delivery to the others.
        this.onListenerError(err);
      }
    }
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }
}

// NUL cannot appear in a tenant id, so tenant and room never run together ambiguously.
const roomKey = (tenant: string, room: string) => `${tenant}\u0000${room}`;
