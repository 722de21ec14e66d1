/**
 * What every benchmark server child answers over IPC, so the parent measures all servers the same way:
 * `{ cmd: 'stats', gc? }` → this process's CPU time (user + system, µs) and RSS (after a full GC when `gc`:
 * for memory figures only, since a forced GC would add its own CPU time to the CPU figures).
 */
export interface ChildStats {
  cpuMicros: number;
  rss: number;
  /** V8 heap in use plus memory held outside it by JS objects (Buffers): the part a server's own code decides. */
  heap: number;
}

export function answerStats(): void {
  process.on('message', (message: { cmd?: string; gc?: boolean }) => {
    if (message.cmd !== 'stats') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc && message.gc) {
      gc();
      gc();
    }
    const { user, system } = process.cpuUsage();
    const memory = process.memoryUsage();
    const stats: ChildStats = { cpuMicros: user + system, rss: memory.rss, heap: memory.heapUsed + memory.external };
    process.send!(stats);
  });
}

/** Tells the parent the child is listening. */
export function ready(port: number): void {
  process.send!({ ready: true, port });
}
