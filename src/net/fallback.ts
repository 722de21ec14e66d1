import type { TransportPreference } from './types.js';

/**
 * What to do after a WebSocket attempt that never opened: with `auto`, `fallbackAfter` such failures in a row make
 * the connection ask whether the server answers plain HTTP (`'ask-http'`). If it doesn't, the server (or the
 * network) is down: keep retrying WebSocket — a server that is down is not a blocked WebSocket. If it does, the
 * connection tries WebSocket again at once (the network may just have come back) and counts how often in a row
 * HTTP answered right before a WebSocket failed (`httpAnswered`); twice means something between refuses upgrades
 * (a proxy, a firewall) rather than a flaky network cutting one handshake: use SSE.
 */
export function afterWebSocketFailure(
  preference: TransportPreference,
  failuresInARow: number,
  fallbackAfter: number,
  httpAnswered = 0,
): 'websocket' | 'sse' | 'ask-http' {
  if (preference !== 'auto' || failuresInARow < fallbackAfter) return 'websocket';
  return httpAnswered >= 2 ? 'sse' : 'ask-http';
}
