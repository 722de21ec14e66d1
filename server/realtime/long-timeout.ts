/**
 * setTimeout for delays beyond its 24.8-day maximum (guest tokens live a year): waits in steps and fires once.
 * The timer is unref'd — a token expiry never keeps the process alive.
 */
export function setLongTimeout(fire: () => void, delayMs: number): { cancel(): void } {
  const MAX = 2 ** 31 - 1;
  const due = Date.now() + delayMs;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = due - Date.now();
    timer = setTimeout(left > MAX ? arm : fire, Math.max(0, Math.min(left, MAX)));
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}
