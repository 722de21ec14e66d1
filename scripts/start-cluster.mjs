// `npm run start:cluster -- [--processes 3] [--port 8080]`: several image-chat processes on consecutive ports
// (8080, 8081, …) sharing one PostgreSQL database and one Redis, for trying scale-out on one machine. Needs
// DATABASE_URL and REDIS_URL in the environment. Each process's output is prefixed with its port; Ctrl-C stops
// them all gracefully (SIGTERM: in-flight ops commit, sockets close with 1012). In production, run the processes
// under your process manager behind a load balancer instead (README: "Several processes").
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const count = Number(flag('processes', '3'));
const firstPort = Number(flag('port', process.env.PORT ?? '8080'));
if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  console.error('start:cluster needs DATABASE_URL and REDIS_URL, e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1/imagechat REDIS_URL=redis://127.0.0.1:6379 npm run start:cluster');
  process.exit(1);
}
if (!Number.isInteger(count) || count < 1 || count > 32) {
  console.error(`--processes must be 1–32, got ${flag('processes')}`);
  process.exit(1);
}

const children = [];
for (let i = 0; i < count; i++) {
  const port = firstPort + i;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', String(port)], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${port}] ${line}`));
  }
  child.on('exit', (code, signal) => {
    console.log(`[${port}] exited (${signal ?? code})`);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(0);
  });
  children.push(child);
}

const stop = () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
