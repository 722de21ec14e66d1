/**
 * The server as an operator runs it: `server/main.ts` in a child process, on port 0, with what it prints on stdout
 * kept — its JSON log lines and the plain lines of its startup — for tests that read them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface MainProcess {
  /** `http://localhost:<port>`, as the server printed it. */
  url: string;
  /** Everything printed on stdout and stderr so far. */
  output(): string;
  /** stdout's JSON lines (the log), parsed. */
  logLines(): Record<string, unknown>[];
  /** SIGTERM, then waits for the process to exit (its last log lines are in `output()` after). */
  stop(): Promise<void>;
  /** Sends `signal` (e.g. SIGKILL: a crash) and returns at once; `stop()` after it only waits for the exit. */
  kill(signal: NodeJS.Signals): void;
}

export async function startMain(env: Record<string, string>, args: string[] = []): Promise<MainProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL'); // a server that did not start must not keep the test process alive
      reject(new Error(`${why}:\n${stdout}\n${stderr}`));
    };
    const timer = setTimeout(() => fail('server/main.ts did not start within 20 s'), 20_000);
    const look = () => {
      // The dashboard line comes last of the plain lines; pino's JSON lines are written apart and may come between.
      const running = /^image-chat is running at (\S+)$/m.exec(stdout);
      if (running && /^image-chat dashboard.*$/m.test(stdout)) {
        clearTimeout(timer);
        resolve(running[1]!);
      }
    };
    child.stdout!.on('data', look);
    void exited.then(() => fail('server/main.ts exited at startup'));
  });
  return {
    url,
    output: () => stdout + stderr,
    logLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill(signal) {
      child.kill(signal);
    },
  };
}
