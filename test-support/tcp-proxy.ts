/**
 * The one TCP proxy the tests and benches put in front of a server, to make the network misbehave on purpose:
 * - `cut()` destroys every connection through it at once (no close frame, no FIN handshake for the client to read
 *   as a goodbye); `cut(true)` also refuses new ones until `restore()`;
 * - `latencyMs` delays every chunk that way, each way (a network with latency, where loopback takes a millisecond);
 * - `refuseUpgrades` answers every WebSocket upgrade request with 403 and passes plain HTTP (SSE included), as a
 *   corporate proxy or a misconfigured load balancer does.
 * Everything else passes through unchanged, byte for byte and unbuffered.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxyOptions {
  /** Delay added to every chunk, each way (ms). */
  latencyMs?: number;
  /** Refuse WebSocket upgrades (403) and pass plain HTTP. */
  refuseUpgrades?: boolean;
}

export interface TcpProxy {
  url: string;
  readonly up: boolean;
  /** WebSocket upgrades refused so far (with `refuseUpgrades`). */
  readonly refusedUpgrades: number;
  /** Drops every open connection; with `refuse`, new ones are refused until `restore()`. */
  cut(refuse?: boolean): void;
  restore(): void;
  close(): Promise<void>;
}

/** The request head a client sent first, once it is complete (or null while it is not). */
function requestHead(buffer: Buffer): string | null {
  const text = buffer.toString('latin1');
  return text.includes('\r\n\r\n') || buffer.length > 16_384 ? text : null;
}

export async function startTcpProxy(target: string, options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const { latencyMs = 0, refuseUpgrades = false } = options;
  const sockets = new Set<net.Socket>();
  let up = true;
  let refusedUpgrades = 0;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  /** `from` → `to`, each chunk `latencyMs` later (timers of one delay fire in order). */
  const forward = (from: net.Socket, to: net.Socket) => {
    if (!latencyMs) return void from.pipe(to);
    from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), latencyMs));
    from.on('end', () => setTimeout(() => to.end(), latencyMs));
  };
  const connect = (client: net.Socket, head: Buffer) => {
    const upstream = net.connect(Number(port), hostname);
    track(upstream);
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) a.on('close', () => b.destroy());
    if (head.length) (latencyMs ? setTimeout(() => upstream.write(head), latencyMs) : upstream.write(head));
    forward(client, upstream);
    forward(upstream, client);
  };

  const server = net.createServer((client) => {
    if (!up) return client.destroy();
    track(client);
    if (!refuseUpgrades) return connect(client, Buffer.alloc(0));
    // Look at the request head before anything goes upstream: an upgrade is refused, the rest passes.
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const head = requestHead(buffered);
      if (head === null) return;
      client.off('data', onData);
      client.pause();
      if (/^upgrade:\s*websocket/im.test(head)) {
        refusedUpgrades++;
        client.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      connect(client, buffered);
      client.resume();
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get up() {
      return up;
    },
    get refusedUpgrades() {
      return refusedUpgrades;
    },
    cut(refuse = false) {
      if (refuse) up = false;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        up = false;
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
