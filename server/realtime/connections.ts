import type { Transport } from '../observability/metrics.js';

/** What the server needs from any open client connection (a WebSocket session or an SSE stream). */
export interface ClientConnection {
  readonly transport: Transport;
  /** Called every ping interval: send a `ping` message, detect dead peers. */
  heartbeat(): void;
  /** Graceful end (server shutdown): WebSockets close with 1012, SSE streams end. Resolves when closed. */
  shutdown(): Promise<void>;
  /** Which heartbeat slice the connection is in: set by Connections when it is added (-1 before). */
  heartbeatSlot: number;
}

// The heartbeat is spread over the interval in this many slices: beating thousands of connections at once (a ping
// frame and a `ping` message each) holds the event loop for tens of milliseconds every interval, which every event
// waiting behind it pays in latency. One slice every interval / SLICES, each connection still beating once per
// interval.
const SLICES = 30;

/** Every open connection, for the shared heartbeat timer and for shutdown. */
export class Connections {
  /** The connections by heartbeat slice, filled round-robin as they open (together: every open connection). */
  private readonly slices: Set<ClientConnection>[] = Array.from({ length: SLICES }, () => new Set());
  private nextSlot = 0;
  private beat = 0;
  private count = 0;
  private timer: NodeJS.Timeout | undefined;

  add(connection: ClientConnection): void {
    if (connection.heartbeatSlot >= 0) return;
    connection.heartbeatSlot = this.nextSlot;
    this.nextSlot = (this.nextSlot + 1) % SLICES;
    this.slices[connection.heartbeatSlot]!.add(connection);
    this.count++;
  }

  delete(connection: ClientConnection): void {
    if (connection.heartbeatSlot < 0) return;
    if (this.slices[connection.heartbeatSlot]!.delete(connection)) this.count--;
    connection.heartbeatSlot = -1;
  }

  get size(): number {
    return this.count;
  }

  /** One timer for all connections rather than one per connection; each beat visits one slice. */
  startHeartbeat(intervalMs: number): void {
    this.timer = setInterval(() => {
      const slice = this.slices[this.beat]!;
      this.beat = (this.beat + 1) % SLICES;
      // A heartbeat may close its connection (no pong): iterate a copy, the slice changes under it.
      for (const connection of [...slice]) connection.heartbeat();
    }, Math.max(1, Math.floor(intervalMs / SLICES)));
    this.timer.unref();
  }

  async shutdownAll(): Promise<void> {
    clearInterval(this.timer);
    const all = this.slices.flatMap((slice) => [...slice]);
    await Promise.allSettled(all.map((connection) => connection.shutdown()));
    for (const slice of this.slices) slice.clear();
    for (const connection of all) connection.heartbeatSlot = -1;
    this.count = 0;
  }
}
