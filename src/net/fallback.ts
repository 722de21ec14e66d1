import type { TransportPreference } from './types.js';

/**
 * What to do after a WebSocket attempt that never opened: with `auto`, `fallbackAfter` such failures in a row make
 * the connection ask whether the server answers plain HTTP (`httpAnswers` undefined → `'ask-http'`). If it does,
 * something between refuses upgrades (a proxy, a firewall): use SSE. If it doesn't, the server is down: keep
 * retrying WebSocket — a server that is down is not a blocked WebSocket.
 */
export function afterWebSocketFailure(
  preference: TransportPreference,
  failuresInARow: number,
  fallbackAfter: number,
  httpAnswers?: boolean,
): 'websocket' | 'sse' | 'ask-http' {
  if (preference !== 'auto' || failuresInARow < fallbackAfter) return 'websocket';
  if (httpAnswers === undefined) return 'ask-http';
  return httpAnswers ? 'sse' : 'websocket';
}
