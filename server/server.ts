/**
 * startServer(options): the programmatic API that main.ts and the tests use. Builds the storage, fan-out, op
 * pipeline and transports, and serves HTTP, SSE and WebSocket on one http.Server.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';
import { requireDatabaseForRedis } from './config.js';
import { scaleOut, type ScaleOut } from './cluster/scale-out.js';
import { createAuthenticate } from './identity/authenticate.js';
import { Guests } from './identity/guests.js';
import { resolveLimits, type ServerLimits } from './limits/server-limits.js';
import { createLogger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { storageProbe, type ReadinessProbe } from './observability/readiness.js';
import { Usage } from './observability/usage.js';
import { createSchemas } from './protocol/schemas.js';
import { Connections } from './realtime/connections.js';
import type { Services } from './services.js';
import { attachWebSocketGateway } from './realtime/gateway.js';
import { RoomService } from './rooms/room-service.js';
import { PostgresStorage } from './storage/postgres/postgres-storage.js';
import { SqliteStorage } from './storage/sqlite-storage.js';
import type { Storage } from './storage/storage.js';
import { DEMO_TENANT, loadServerConfig, type Tenant } from './tenants/tenant-config.js';
import { TenantRegistry } from './tenants/tenant-registry.js';

export type { ServerLimits } from './limits/server-limits.js';
export type { Tenant } from './tenants/tenant-config.js';
export type { ReadinessProbe } from './observability/readiness.js';

export interface ServerOptions {
  /** Default 8080; 0 picks any free port. */
  port?: number;
  /** Default: all interfaces. */
  host?: string;
  /** Where the SQLite database lives (created if missing), without `databaseUrl`. Default `./data`. */
  dataDir?: string;
  /** pino level; default `info`. */
  logLevel?: string;
  /** Overrides over the defaults (and over the tenants file's `limits`). */
  limits?: Partial<ServerLimits>;
  /** The tenants. Default: those of `configPath`, else the embedded `demo` tenant (guests from any origin). */
  tenants?: Tenant[];
  /** A tenants file (IMAGE_CHAT_CONFIG); a bad one throws ConfigError naming the file and the field. */
  configPath?: string;
  /** Key per-IP limits by X-Forwarded-For's last entry — only behind a reverse proxy that sets it. Default false. */
  trustProxy?: boolean;
  /** Serve HTTPS and WSS with this certificate and key (PEM). Default: plain HTTP (e.g. behind a TLS proxy). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Default `<repo>/demo` and `<repo>/dist`. */
  staticDirs?: { demo?: string; dist?: string };
  /** More checks for `GET /readyz`, after the database's (e.g. a service the embedding app depends on). */
  readinessProbes?: ReadinessProbe[];
  /**
   * PostgreSQL (DATABASE_URL), e.g. `postgres://user:password@host:5432/image_chat`: the storage, instead of SQLite
   * in `dataDir`, shared by every process on it. A bad URL, an unreachable server, a refused login or an unknown
   * database throws ConfigError naming DATABASE_URL.
   */
  databaseUrl?: string;
  /** Redis (REDIS_URL), for several processes: fan-out, shared limits, live counts. Needs `databaseUrl`. */
  redisUrl?: string;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:54321` (127.0.0.1 when listening on all interfaces; `https:` with `tls`). */
  url: string;
  port: number;
  /**
   * The operator's dashboard. On the embedded default (no tenants given) it carries the `demo` tenant's admin key,
   * made at the first start and kept in the database, in its fragment (`…/dashboard#key=…`): a link to keep private.
   */
  dashboardUrl: string;
  /** Graceful: stop accepting, let in-flight ops commit, close WebSockets with 1012, end SSE streams, close the DB. */
  close(): Promise<void>;
}

// The meta-table key of the embedded `demo` tenant's admin key.
const DEMO_ADMIN_KEY = 'demo-admin-key';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const embeddedDefault = !options.tenants && !options.configPath;
  const file = loadServerConfig(options.tenants ? undefined : options.configPath);
  let tenants = new TenantRegistry(options.tenants ?? file.tenants);
  const limits = resolveLimits({ ...file.limits, ...options.limits });
  const logger = createLogger(options.logLevel ?? 'info');
  requireDatabaseForRedis(options.redisUrl, options.databaseUrl);
  const storageOptions = {
    eventLogRetention: limits.eventLogRetention,
    idempotencyTtlMs: limits.idempotencyTtlMs,
    onError: (message: string) => logger.warn(message),
  };
  const storage: Storage = options.databaseUrl
    ? await PostgresStorage.open({ databaseUrl: options.databaseUrl, ...storageOptions })
    : new SqliteStorage({ dataDir: resolve(options.dataDir ?? './data'), ...storageOptions });
  // The embedded default's `demo` tenant gets an admin key, so that its dashboard works out of the box.
  let demoAdminKey: string | undefined;
  try {
    demoAdminKey = embeddedDefault ? await storage.metaValue(DEMO_ADMIN_KEY, () => randomBytes(24).toString('base64url')) : undefined;
  } catch (err) {
    await storage.close();
    throw err;
  }
  if (demoAdminKey) tenants = new TenantRegistry([Object.freeze({ ...DEMO_TENANT, adminKey: demoAdminKey })]);
  let scale: ScaleOut;
  try {
    scale = await scaleOut({ redisUrl: options.redisUrl, epoch: storage.epoch, limits, logger });
  } catch (err) {
    await storage.close();
    throw err;
  }
  const { fanout, localLive } = scale;
  const metrics = new Metrics({ activeRooms: () => fanout.roomCount, commits: () => storage.commitStats, publishFailures: scale.publishFailures });
  const usage = new Usage(storage, (err) => logger.error({ err }, 'usage flush failed'), { shared: scale.sharedUsage });
  const guests = await Guests.open(storage);
  const services: Services = {
    storage,
    fanout,
    presence: scale.presence,
    guests,
    limits,
    logger,
    metrics,
    usage,
    tenants,
    guard: scale.guard,
    trustProxy: options.trustProxy ?? file.trustProxy ?? false,
    authenticate: createAuthenticate(guests, limits.maxNameLength),
    schemas: createSchemas(limits),
    rooms: new RoomService({ storage, fanout, limits, metrics, usage, logger }),
    connections: new Connections(),
    localLive,
    live: scale.live,
    readiness: [storageProbe(storage, options.databaseUrl ? 'postgres' : 'sqlite'), ...scale.readiness, ...(options.readinessProbes ?? [])],
  };

  const app = createApp(services, {
    demo: options.staticDirs?.demo ?? join(REPO_ROOT, 'demo'),
    dist: options.staticDirs?.dist ?? join(REPO_ROOT, 'dist'),
  });
  const server: HttpServer = options.tls
    ? (createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, app.callback()) as unknown as HttpServer)
    : createServer(app.callback());
  const gateway = attachWebSocketGateway(server, services);

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
    await scale.close();
    await storage.close();
    throw err;
  }
  services.connections.startHeartbeat(limits.pingIntervalMs);
  usage.start(limits.usageFlushMs);
  const { port } = server.address() as AddressInfo;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, epoch: storage.epoch, tenants: tenants.ids }, 'image-chat server listening');
  const dashboardUrl = `${url}/dashboard${demoAdminKey ? `#key=${demoAdminKey}` : ''}`;

  let closing: Promise<void> | undefined;
  const close = async () => {
    // Order matters: refuse new work, let accepted ops commit (so their acks and events go out), then say 1012.
    const closed = new Promise<void>((done) => server.close(() => done()));
    gateway.stop();
    await services.rooms.drain();
    await services.connections.shutdownAll();
    server.closeAllConnections();
    await closed;
    await usage.close(); // the last counts, after the last frames went out
    await scale.close();
    await storage.close();
    logger.info('image-chat server closed');
  };
  return { url, port, dashboardUrl, close: () => (closing ??= close()) };
}
