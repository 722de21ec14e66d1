/**
 * Full-jitter exponential backoff (as in centrifuge-js and the AWS architecture note): the delay before retry
 * number `step` (0-based) is uniformly random in [0, min(max, min · 2^step)], floored at `min / 2` so a reconnect
 * storm never turns into a busy loop.
 */
export function backoff(step: number, min = 500, max = 20_000, random: () => number = Math.random): number {
  const ceiling = Math.min(max, min * 2 ** Math.max(0, step));
  return Math.max(min / 2, Math.floor(random() * ceiling));
}
