/**
 * image-chat under benchmark: `startServer` of the checkout given by `--repo` (default this one; a second checkout
 * gives "before" numbers in the same run), on a fresh SQLite directory — or on the PostgreSQL database given by
 * `--database-url` — with the per-user and per-address limits lifted so that one publisher and thousands of guests
 * from 127.0.0.1 are not throttled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { answerStats, ready } from './child-stats.js';

const repoArg = process.argv.indexOf('--repo');
const repo = resolve(repoArg > 0 ? process.argv[repoArg + 1]! : '.');
const databaseArg = process.argv.indexOf('--database-url');
const databaseUrl = databaseArg > 0 ? process.argv[databaseArg + 1] : undefined;
const HUGE = 1_000_000_000;

const { startServer } = (await import(pathToFileURL(join(repo, 'server/server.ts')).href)) as typeof import('../../../server/server.js');
const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-bench-'));
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  databaseUrl,
  logLevel: 'silent',
  limits: {
    opBurst: HUGE,
    opsPerSecond: HUGE,
    ipOpBurst: HUGE,
    ipOpsPerSecond: HUGE,
    maxConnectionsPerIp: HUGE,
    guestBurst: HUGE,
    guestsPerMinute: HUGE,
    maxMarkersPerRoom: HUGE,
  },
});
process.on('disconnect', () => {
  void server.close().finally(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
ready(server.port);
answerStats();
