import type { Authenticate } from './identity/authenticate.js';
import type { Guests } from './identity/guests.js';
import type { AbuseGuard } from './limits/abuse-guard.js';
import type { ServerLimits } from './limits/server-limits.js';
import type { LiveStats, LocalLiveStats } from './observability/live-stats.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { ReadinessProbe } from './observability/readiness.js';
import type { Usage } from './observability/usage.js';
import type { Fanout } from './fanout/fanout.js';
import type { Schemas } from './protocol/schemas.js';
import type { RoomService } from './rooms/room-service.js';
import type { Storage } from './storage/storage.js';
import type { TenantRegistry } from './tenants/tenant-registry.js';
import type { Connections } from './realtime/connections.js';
import type { Presence } from './presence/presence.js';

/** Everything a transport (WebSocket gateway, HTTP routes, SSE) needs, built once by server.ts. */
export interface Services {
  storage: Storage;
  fanout: Fanout;
  /** Who views each room, across processes (SPEC §2 `presence`). */
  presence: Presence;
  rooms: RoomService;
  tenants: TenantRegistry;
  guests: Guests;
  authenticate: Authenticate;
  /** Rate and connection limits per user and per client address. */
  guard: AbuseGuard;
  /** Whether the client address comes from X-Forwarded-For (behind a reverse proxy). */
  trustProxy: boolean;
  schemas: Schemas;
  limits: ServerLimits;
  logger: Logger;
  metrics: Metrics;
  usage: Usage;
  connections: Connections;
  /** This process's live connections and rooms per tenant, kept in step by the transports and the fan-out. */
  localLive: LocalLiveStats;
  /** What the usage endpoint reports as live: `localLive` for one process; summed over processes when several run. */
  live: LiveStats;
  /** What `/readyz` checks: the database, and whatever else the server depends on. */
  readiness: ReadinessProbe[];
}
