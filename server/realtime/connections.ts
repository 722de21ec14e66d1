import type { Transport } from '../observability/metrics.js';

/** What the server needs from any open client connection (a WebSocket session or an SSE stream). */
export interface ClientConnection {
  readonly transport: Transport;
  /** Called every ping interval: send a `ping` message, detect dead peers. */
  heartbeat(): void;
  /** Graceful end (server shutdown): WebSockets close with 1012, SSE streams end. Resolves when closed. */
  shutdown(): Promise<void>;
}

/** Every open connection, for the shared heartbeat timer and for shutdown. */
export class Connections {
  private readonly open = new Set<ClientConnection>();
  private timer: NodeJS.Timeout | undefined;

  add(connection: ClientConnection): void {
    this.open.add(connection);
  }

  delete(connection: ClientConnection): void {
    this.open.delete(connection);
  }

  get size(): number {
    return this.open.size;
  }

  /** One timer for all connections rather than one per connection. */
  startHeartbeat(intervalMs: number): void {
    this.timer = setInterval(() => {
      for (const connection of [...this.open]) connection.heartbeat();
    }, intervalMs);
    this.timer.unref();
  }

  async shutdownAll(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([...this.open].map((connection) => connection.shutdown()));
    this.open.clear();
  }
}
