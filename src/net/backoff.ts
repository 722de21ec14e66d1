/**
 * Full-jitter exponential backoff (as in centrifuge-js and the AWS architecture note): the delay before retry
 * number `step` (0-based) is uniformly random in [0, min(max, min · 2^step)], floored at `min / 2` so a reconnect
 * storm never turns into a busy loop.
 */
export function backoff(step: number, min = 500, max = 20_000, random: () => number = Math.random): number {
  const ceiling = Math.min(max, min * 2 ** Math.max(0, step));
  return Math.max(min / 2, Math.floor(random() * ceiling));
}

/**
 * The retry count to use after a connection closed: back to 0 only when it had stayed up at least `minUptime`
 * (as reconnecting-websocket does), so a server that accepts and then drops at once still backs off.
 */
export function retryStep(step: number, uptimeMs: number, minUptimeMs: number): number {
  return uptimeMs >= minUptimeMs ? 0 : step;
}
