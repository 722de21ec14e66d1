/**
 * startServer(options): the programmatic API that main.ts and the tests use. Builds the storage, fan-out, op
 * pipeline and transports, and serves HTTP, SSE and WebSocket on one http.Server.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { LocalFanout } from './fanout/local-fanout.js';
import { createAuthenticate } from './identity/authenticate.js';
import { Guests } from './identity/guests.js';
import { resolveLimits, type ServerLimits } from './limits.js';
import { createLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { Usage } from './observability/usage.js';
import { createSchemas } from './protocol/schemas.js';
import { Connections } from './realtime/connections.js';
import type { ServerContext } from './realtime/context.js';
import { attachWebSocketGateway } from './realtime/gateway.js';
import { RoomService } from './rooms/room-service.js';
import { SqliteStorage } from './storage/sqlite-storage.js';

export type { ServerLimits } from './limits.js';

export interface ServerOptions {
  /** Default 8080; 0 picks any free port. */
  port?: number;
  /** Default: all interfaces. */
  host?: string;
  /** Where the SQLite database lives (created if missing). Default `./data`. */
  dataDir?: string;
  /** pino level; default `info`. */
  logLevel?: string;
  limits?: Partial<ServerLimits>;
  /** Default `<repo>/demo` and `<repo>/dist`. */
  staticDirs?: { demo?: string; dist?: string };
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:54321` (127.0.0.1 when listening on all interfaces). */
  url: string;
  port: number;
  /** Graceful: stop accepting, let in-flight ops commit, close WebSockets with 1012, end SSE streams, close the DB. */
  close(): Promise<void>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const limits = resolveLimits(options.limits);
  const logger = createLogger(options.logLevel ?? 'info');
  const storage = new SqliteStorage({
    dataDir: resolve(options.dataDir ?? './data'),
    eventLogRetention: limits.eventLogRetention,
    idempotencyTtlMs: limits.idempotencyTtlMs,
  });
  const fanout = new LocalFanout((err) => logger.error({ err }, 'event listener failed'));
  const metrics = new Metrics(() => fanout.roomCount);
  const usage = new Usage();
  const guests = await Guests.open(storage);
  const ctx: ServerContext = {
    storage,
    fanout,
    guests,
    limits,
    logger,
    metrics,
    usage,
    authenticate: createAuthenticate(guests, limits.maxNameLength),
    schemas: createSchemas(limits),
    rooms: new RoomService({ storage, fanout, limits, metrics, usage, logger }),
    connections: new Connections(),
  };

  const app = createApp(ctx, {
    demo: options.staticDirs?.demo ?? join(REPO_ROOT, 'demo'),
    dist: options.staticDirs?.dist ?? join(REPO_ROOT, 'dist'),
  });
  const server = createServer(app.callback());
  const gateway = attachWebSocketGateway(server, ctx);

  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 8080, options.host, () => {
        server.off('error', fail);
        done();
      });
    });
  } catch (err) {
    gateway.stop();
    await storage.close();
    throw err;
  }
  ctx.connections.startHeartbeat(limits.pingIntervalMs);
  const { port } = server.address() as AddressInfo;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, epoch: storage.epoch }, 'image-chat server listening');

  let closing: Promise<void> | undefined;
  const close = async () => {
    // Order matters: refuse new work, let accepted ops commit (so their acks and events go out), then say 1012.
    const closed = new Promise<void>((done) => server.close(() => done()));
    gateway.stop();
    await ctx.rooms.drain();
    await ctx.connections.shutdownAll();
    server.closeAllConnections();
    await closed;
    await fanout.close();
    await storage.close();
    logger.info('image-chat server closed');
  };
  return { url, port, close: () => (closing ??= close()) };
}
