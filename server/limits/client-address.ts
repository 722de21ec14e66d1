import type { IncomingMessage } from 'node:http';

/**
 * The address limits are keyed by. Behind a reverse proxy every connection comes from the proxy, so with
 * `trustProxy` the last `X-Forwarded-For` entry — the one the proxy itself appended — is used. Entries further left
 * are written by the client and can be forged, so they are never used. Without `trustProxy` the header is ignored
 * (a client could otherwise pick a fresh address per request and escape every per-IP limit).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header.at(-1) : header;
    const last = value?.split(',').at(-1)?.trim();
    if (last) return last.slice(0, 64);
  }
  return req.socket.remoteAddress ?? 'unknown';
}
