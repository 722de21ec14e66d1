/**
 * A reverse proxy that passes plain HTTP (SSE streams included) to a target and refuses every WebSocket upgrade —
 * what a corporate proxy or a misconfigured load balancer does. Tests point the element's `server` at it to check
 * the SSE fallback against a real network hop, not a flag.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningProxy {
  url: string;
  /** Upgrade requests refused so far. */
  readonly refusedUpgrades: number;
  close(): Promise<void>;
}

export async function startUpgradeRefusingProxy(target: string): Promise<RunningProxy> {
  const targetUrl = new URL(target);
  let refusedUpgrades = 0;
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      {
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: targetUrl.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        // Flush each chunk as it comes: SSE must not be buffered by the proxy.
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('upgrade', (_req, socket) => {
    refusedUpgrades++;
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get refusedUpgrades() {
      return refusedUpgrades;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
