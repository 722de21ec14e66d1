/**
 * A benchmark server in a child process of its own, pinned to one core (`taskset`, when it exists) so that its CPU
 * time is its own and the clients run on the other core. Its CPU time and RSS come from the child itself over IPC.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ChildStats } from './servers/child-stats.js';

const HAS_TASKSET = (() => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return availableParallelism() > 1;
  } catch {
    return false;
  }
})();

/** The core the server children run on; the benchmark's own process keeps to core 0. */
export const SERVER_CORE = 1;

export function pinSelf(): boolean {
  if (!HAS_TASKSET) return false;
  execFileSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' });
  return true;
}

export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** `profileDir`: write a V8 CPU profile of the child there (open it in Chrome DevTools' Performance panel). */
  static async start(script: string, args: string[] = [], profileDir?: string): Promise<ServerProcess> {
    const path = fileURLToPath(new URL(`./servers/${script}`, import.meta.url));
    const execArgv = ['--import', 'tsx', '--expose-gc', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    const child = fork(path, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (message: { port?: number }) => (message.port ? resolve(message.port) : reject(new Error('bad ready message'))));
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
    // Every thread (V8's and libuv's too); threads made later inherit the main thread's affinity.
    if (HAS_TASKSET) execFileSync('taskset', ['-a', '-cp', String(SERVER_CORE), String(child.pid)], { stdio: 'ignore' });
    return new ServerProcess(child, port);
  }

  /** CPU time and RSS; `gc` collects garbage first (for memory figures). */
  stats(gc = false): Promise<ChildStats> {
    return new Promise((resolve) => {
      this.child.once('message', (message: ChildStats) => resolve(message));
      this.child.send({ cmd: 'stats', gc });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }
}
