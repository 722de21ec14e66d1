/**
 * What is live for a tenant right now: its open connections and the rooms someone is subscribed to. The usage
 * endpoint reports it next to the counters. `LiveStats` is the seam: `LocalLiveStats` counts this process only;
 * several processes sharing Redis replace it by an implementation that adds up every process's counts (a room
 * open on two processes counted once).
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

/** What a process holds of one tenant: its connections here and the rooms open here. */
export interface LocalTenantLive {
  connections: number;
  rooms: string[];
}

/** Counts in this process: connections as they open and close; rooms as the fan-out has them (rooms with listeners). */
export class LocalLiveStats implements LiveStats {
  private readonly connections = new Map<string, number>();

  constructor(private readonly fanout: Pick<Fanout, 'roomCountOf' | 'roomsOf' | 'tenants'>) {}

  connectionOpened(tenant: string, _transport: Transport): void {
    this.connections.set(tenant, (this.connections.get(tenant) ?? 0) + 1);
  }

  connectionClosed(tenant: string, _transport: Transport): void {
    const open = (this.connections.get(tenant) ?? 0) - 1;
    if (open > 0) this.connections.set(tenant, open);
    else this.connections.delete(tenant);
  }

  async of(tenant: string): Promise<LiveCounts> {
    return { connections: this.connections.get(tenant) ?? 0, rooms: this.fanout.roomCountOf(tenant) };
  }

  /** Every tenant with something open here, with the room names (for counts summed across processes). */
  all(): Map<string, LocalTenantLive> {
    const tenants = new Set([...this.connections.keys(), ...this.fanout.tenants]);
    return new Map([...tenants].map((tenant) => [tenant, { connections: this.connections.get(tenant) ?? 0, rooms: this.fanout.roomsOf(tenant) }]));
  }
}
