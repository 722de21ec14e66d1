/**
 * What is live for a tenant right now: its open connections and the rooms someone is subscribed to. The usage
 * endpoint reports it next to the counters. `LiveStats` is the seam: `LocalLiveStats` counts this process only;
 * several processes sharing Redis replace it by an implementation that adds up every process's counts (each
 * process can publish `LocalLiveStats.all()` and the reader sums them; rooms open on two processes should be
 * counted once there, so that implementation wants room sets, not only their sizes).
 */
import type { Fanout } from '../fanout/fanout.js';
import type { Transport } from './metrics.js';

export interface LiveCounts {
  /** Open connections (WebSocket sessions past `hello`, SSE streams). */
  connections: number;
  /** Rooms with at least one subscriber. */
  rooms: number;
}

export interface LiveStats {
  /** The tenant's live counts (zeros for a tenant with nothing open). */
  of(tenant: string): Promise<LiveCounts>;
}

/** Counts in this process: connections as they open and close, rooms as the fan-out gains and loses listeners. */
export class LocalLiveStats implements LiveStats {
  private readonly connections = new Map<string, number>();
  // tenant → room → listeners, so that a room is counted while anyone in it still listens.
  private readonly rooms = new Map<string, Map<string, number>>();

  connectionOpened(tenant: string, _transport: Transport): void {
    this.connections.set(tenant, (this.connections.get(tenant) ?? 0) + 1);
  }

  connectionClosed(tenant: string, _transport: Transport): void {
    const open = (this.connections.get(tenant) ?? 0) - 1;
    if (open > 0) this.connections.set(tenant, open);
    else this.connections.delete(tenant);
  }

  /**
   * Wraps a fan-out so that every subscribe/unsubscribe is counted per room; publishing passes straight through.
   * Counting at the fan-out means every transport's subscriptions are seen, however they are made.
   */
  watch(fanout: Fanout): Fanout {
    const join = (tenant: string, room: string) => {
      let rooms = this.rooms.get(tenant);
      if (!rooms) this.rooms.set(tenant, (rooms = new Map()));
      rooms.set(room, (rooms.get(room) ?? 0) + 1);
    };
    const leave = (tenant: string, room: string) => {
      const rooms = this.rooms.get(tenant);
      const left = (rooms?.get(room) ?? 0) - 1;
      if (left > 0) rooms!.set(room, left);
      else rooms?.delete(room);
      if (rooms?.size === 0) this.rooms.delete(tenant);
    };
    return {
      subscribe(tenant, room, listener) {
        const unsubscribe = fanout.subscribe(tenant, room, listener);
        join(tenant, room);
        let done = false;
        return () => {
          if (done) return;
          done = true;
          unsubscribe();
          leave(tenant, room);
        };
      },
      publish: (tenant, room, event) => fanout.publish(tenant, room, event),
      get roomCount() {
        return fanout.roomCount;
      },
      close: () => fanout.close(),
    };
  }

  async of(tenant: string): Promise<LiveCounts> {
    return { connections: this.connections.get(tenant) ?? 0, rooms: this.rooms.get(tenant)?.size ?? 0 };
  }

  /** Every tenant's counts in this process (what a scaled-out implementation would publish). */
  all(): Map<string, LiveCounts> {
    const tenants = new Set([...this.connections.keys(), ...this.rooms.keys()]);
    return new Map([...tenants].map((tenant) => [tenant, { connections: this.connections.get(tenant) ?? 0, rooms: this.rooms.get(tenant)?.size ?? 0 }]));
  }
}
