import type { TransportPreference } from './types.js';

/**
 * What to do after a WebSocket attempt that never opened: with `auto`, `fallbackAfter` such failures in a row make
 * the connection ask whether the server answers plain HTTP (`'ask-http'`). If it doesn't, the server (or the
 * network) is down: keep retrying WebSocket — a server that is down is not a blocked WebSocket. If it does, the
 * connection tries WebSocket once more at once (the network may just have come back) and remembers that HTTP
 * answered (`httpAnswered`); a WebSocket failing then means something between refuses upgrades (a proxy, a
 * firewall): use SSE.
 */
export function afterWebSocketFailure(
  preference: TransportPreference,
  failuresInARow: number,
  fallbackAfter: number,
  httpAnswered = false,
): 'websocket' | 'sse' | 'ask-http' {
  if (preference !== 'auto' || failuresInARow < fallbackAfter) return 'websocket';
  return httpAnswered ? 'sse' : 'ask-http';
}
