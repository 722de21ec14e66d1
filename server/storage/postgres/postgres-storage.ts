/**
 * PostgreSQL storage (DATABASE_URL), for several processes sharing one database (SPEC §5). The same behaviour as
 * sqlite-storage.ts, behind the same `Storage` interface; the differences are in how it holds across processes:
 *
 * - Commits go through group commit (postgres-commit.ts): the room row is locked first, so seq is gap-free and in
 *   commit order whichever process commits; the same broadcastId on two processes at once is a duplicate or a
 *   conflict, never an error.
 * - Reads that must agree with themselves (snapshot, eventsSince) are one statement each: one snapshot of the data.
 *   They first wait for this process's pending commits of the room: a client that lost its link while its op was
 *   in flight, and resyncs, then sees whether the op was committed (else it would call it lost, and it would land).
 * - The schema is migrated under an advisory lock (postgres-schema.ts); meta values are made with
 *   INSERT … ON CONFLICT DO NOTHING and read back, so two processes starting at once keep the same epoch.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Comment } from '../../../protocol/messages.js';
import { storedWireEvent, type WireEvent } from '../../fanout/event-run.js';
import type { CommitInput, CommitResult, CommitStats, DayUsage, RoomSnapshot, Storage } from '../storage.js';
import { GroupCommit } from './postgres-commit.js';
import { parseDatabaseUrl } from '../../config.js';
import { checkOut, startupError } from './postgres-errors.js';
import { COMMENT_JSON, MARKER_JSON, toComment, toMarker, type CommentJson, type MarkerJson } from './postgres-rows.js';
import { migrate } from './postgres-schema.js';

export interface PostgresStorageOptions {
  /** postgres://user:password@host:port/database */
  databaseUrl: string;
  /** Events kept per room for resync. */
  eventLogRetention: number;
  /** How long idempotency keys are kept. */
  idempotencyTtlMs: number;
  /** Connections this process opens at most (default POOL_SIZE). */
  poolSize?: number;
  /** Where background faults go (a lost idle connection, a failed trim); they never fail an op. */
  onError?: (message: string) => void;
}

/** Connections per process by default: one for the commit in flight, the rest for reads (snapshots, replays, usage). */
export const POOL_SIZE = 10;
// How long startup waits for a connection before calling the database unreachable.
const CONNECT_TIMEOUT_MS = 10_000;
// Prune expired idempotency keys, and trim the event log of the rooms written to, every this many committed ops.
const MAINTAIN_EVERY = 256;

// BIGINT (oid 20) as a JS number: seq, times and counters stay far below 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const SNAPSHOT_SQL = `SELECT
  (SELECT seq FROM rooms WHERE tenant = $1 AND room = $2) AS seq,
  (SELECT json_agg(${MARKER_JSON} ORDER BY number) FROM markers WHERE tenant = $1 AND room = $2) AS markers,
  (SELECT json_agg(${COMMENT_JSON} ORDER BY ord) FROM comments WHERE tenant = $1 AND room = $2) AS comments`;

// The room's seq, the oldest event kept and the events after `since` (at most the retention's worth), in one
// statement: one snapshot, so the events and the seq agree even while another process commits to the room.
const EVENTS_SINCE_SQL = `SELECT r.seq AS room_seq,
    (SELECT min(seq) FROM events WHERE tenant = $1 AND room = $2) AS oldest,
    e.seq, e.payload
  FROM (SELECT (SELECT seq FROM rooms WHERE tenant = $1 AND room = $2) AS seq) AS r
  LEFT JOIN events AS e ON e.tenant = $1 AND e.room = $2 AND e.seq > $3 AND e.seq <= $3 + $4
  ORDER BY e.seq`;

const ADD_USAGE_SQL = `INSERT INTO usage (tenant, day, messages, bytes, conversations)
  SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
  ON CONFLICT (tenant, day) DO UPDATE SET messages = usage.messages + excluded.messages, bytes = usage.bytes + excluded.bytes,
    conversations = usage.conversations + excluded.conversations`;

export class PostgresStorage implements Storage {
  private readonly commits: GroupCommit;
  private opsSinceMaintenance = 0;
  /** Rooms written to since the log was last trimmed, with their seq. */
  private readonly written = new Map<string, { tenant: string; room: string; seq: number }>();
  private maintenance: Promise<void> = Promise.resolve();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    readonly epoch: string,
    private readonly options: PostgresStorageOptions,
  ) {
    this.commits = new GroupCommit(pool, {
      onCommitted: (rooms, ops) => {
        for (const { tenant, room, seq } of rooms) this.written.set(`${tenant}\u0000${room}`, { tenant, room, seq });
        this.opsSinceMaintenance += ops;
        if (this.opsSinceMaintenance >= MAINTAIN_EVERY) this.maintain();
      },
    });
  }

  /**
   * Connects, migrates the schema and reads (or makes) the epoch. A bad URL, an unreachable server, a refused login
   * or a missing database is a ConfigError naming DATABASE_URL.
   */
  static async open(options: PostgresStorageOptions): Promise<PostgresStorage> {
    const url = parseDatabaseUrl(options.databaseUrl);
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'image-chat',
      types,
    });
    // An idle connection that breaks (a server restart) must not crash the process: the pool makes a new one.
    pool.on('error', (err) => options.onError?.(`PostgreSQL: an idle connection failed: ${err.message}`));
    let epoch: string;
    try {
      const { client, release } = await checkOut(pool);
      try {
        await migrate(client);
      } finally {
        release();
      }
      epoch = await metaValue(pool, 'epoch', () => randomBytes(9).toString('base64url'));
    } catch (err) {
      await pool.end().catch(() => {});
      throw startupError(err, url);
    }
    const storage = new PostgresStorage(pool, epoch, options);
    storage.maintain();
    return storage;
  }

  get commitStats(): Readonly<CommitStats> {
    return this.commits.stats;
  }

  metaValue(key: string, make: () => string): Promise<string> {
    return metaValue(this.pool, key, make);
  }

  async snapshot(tenant: string, room: string): Promise<RoomSnapshot> {
    await this.commits.settledFor(tenant, room);
    const { rows } = await this.pool.query<{ seq: number | null; markers: MarkerJson[] | null; comments: CommentJson[] | null }>({ name: 'image-chat-snapshot', text: SNAPSHOT_SQL, values: [tenant, room] });
    const row = rows[0]!;
    const byMarker = new Map<string, Comment[]>();
    for (const comment of row.comments ?? []) {
      const list = byMarker.get(comment.markerId) ?? [];
      list.push(toComment(comment));
      byMarker.set(comment.markerId, list);
    }
    const markers = (row.markers ?? []).map((marker) => toMarker(marker, byMarker.get(marker.id) ?? []));
    return { epoch: this.epoch, seq: row.seq ?? 0, markers };
  }

  async eventsSince(tenant: string, room: string, since: number): Promise<{ seq: number; events: WireEvent[] } | null> {
    await this.commits.settledFor(tenant, room);
    const retention = this.options.eventLogRetention;
    const { rows } = await this.pool.query<{ room_seq: number | null; oldest: number | null; seq: number | null; payload: string | null }>(
      { name: 'image-chat-events-since', text: EVENTS_SINCE_SQL, values: [tenant, room, since, retention] },
    );
    const seq = rows[0]?.room_seq ?? 0;
    if (since > seq) return null;
    if (since === seq) return { seq, events: [] };
    // The retention is the replay bound whatever the log still holds (it is trimmed only now and then): further
    // behind, a snapshot is the cheaper catch-up.
    if (seq - since > retention) return null;
    const oldest = rows[0]!.oldest;
    if (oldest === null || oldest > since + 1) return null;
    // The stored JSON is spliced into frames as is: no parse, no stringify.
    const events = rows.filter((row) => row.seq !== null).map((row) => storedWireEvent(row.seq!, row.payload!));
    return { seq, events };
  }

  commit(input: CommitInput): Promise<CommitResult> {
    if (this.closed) return Promise.reject(new Error('the database is closed'));
    return this.commits.commit(input);
  }

  async addUsage(deltas: ReadonlyArray<DayUsage & { tenant: string }>): Promise<void> {
    if (this.closed || deltas.length === 0) return;
    // One row per tenant and day: one statement may not update a row twice.
    const summed = new Map<string, DayUsage & { tenant: string }>();
    for (const d of deltas) {
      const key = `${d.tenant}\u0000${d.day}`;
      const sum = summed.get(key) ?? { tenant: d.tenant, day: d.day, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0 };
      sum.pubSubMessageCount += d.pubSubMessageCount;
      sum.pubSubBandwidth += d.pubSubBandwidth;
      sum.conversationCreateCount += d.conversationCreateCount;
      summed.set(key, sum);
    }
    const rows = [...summed.values()];
    await this.pool.query(ADD_USAGE_SQL, [
      rows.map((r) => r.tenant),
      rows.map((r) => r.day),
      rows.map((r) => r.pubSubMessageCount),
      rows.map((r) => r.pubSubBandwidth),
      rows.map((r) => r.conversationCreateCount),
    ]);
  }

  async usage(tenant: string): Promise<DayUsage[]> {
    const { rows } = await this.pool.query<{ day: string; messages: number; bytes: number; conversations: number }>(
      'SELECT day, messages, bytes, conversations FROM usage WHERE tenant = $1 ORDER BY day',
      [tenant],
    );
    return rows.map((row) => ({ day: row.day, pubSubMessageCount: row.messages, pubSubBandwidth: row.bytes, conversationCreateCount: row.conversations }));
  }

  /** Lets the commits queued so far settle and the maintenance in flight end, then closes the pool. */
  close(): Promise<void> {
    return (this.closed ??= (async () => {
      await this.commits.drain();
      await this.maintenance;
      await this.pool.end();
    })());
  }

  /** In the background, one at a time: drops expired idempotency keys and log entries past the retention. */
  private maintain(): void {
    this.opsSinceMaintenance = 0;
    const rooms = [...this.written.values()];
    this.written.clear();
    const retention = this.options.eventLogRetention;
    this.maintenance = this.maintenance.then(async () => {
      try {
        await this.pool.query('DELETE FROM idempotency WHERE created_at < $1', [Date.now() - this.options.idempotencyTtlMs]);
        for (const { tenant, room, seq } of rooms) {
          if (seq > retention) await this.pool.query('DELETE FROM events WHERE tenant = $1 AND room = $2 AND seq <= $3', [tenant, room, seq - retention]);
        }
      } catch (err) {
        this.options.onError?.(`PostgreSQL: trimming the event log failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
}

/** A meta value: read; if missing, offered with ON CONFLICT DO NOTHING and read back (another process may win). */
async function metaValue(pool: pg.Pool, key: string, make: () => string): Promise<string> {
  const select = 'SELECT value FROM meta WHERE key = $1';
  const found = await pool.query<{ value: string }>(select, [key]);
  if (found.rows[0]) return found.rows[0].value;
  await pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, make()]);
  return (await pool.query<{ value: string }>(select, [key])).rows[0]!.value;
}
