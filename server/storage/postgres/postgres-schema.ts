/**
 * The PostgreSQL schema, as versioned migrations. `migrate` brings a database to the newest version under a
 * session advisory lock, so that several processes starting at once on an empty database run each migration once
 * and all come up (without the lock, two concurrent `CREATE TABLE IF NOT EXISTS` can still collide in the catalog).
 * The tables mirror sqlite-schema.ts; text is TEXT (never jsonb: the stored event JSON is sent as is, byte for byte).
 */
import type { PoolClient } from 'pg';

/** `[version, sql]`: the SQL takes a database at version - 1 to `version`, in one transaction. */
export const MIGRATIONS: ReadonlyArray<readonly [number, string]> = [
  [
    1,
    `CREATE TABLE meta (
       key   TEXT PRIMARY KEY,
       value TEXT NOT NULL
     );
     -- The room row is the room's lock: a commit locks it first, so seq is gap-free and in commit order across
     -- processes. last_number: stable marker numbers (never reused); marker_count: no COUNT scan per create.
     CREATE TABLE rooms (
       tenant       TEXT NOT NULL,
       room         TEXT NOT NULL,
       seq          BIGINT NOT NULL DEFAULT 0,
       last_number  INTEGER NOT NULL DEFAULT 0,
       marker_count INTEGER NOT NULL DEFAULT 0,
       PRIMARY KEY (tenant, room)
     );
     -- Snapshots list markers by number: numbers are given in creation order.
     CREATE TABLE markers (
       tenant     TEXT NOT NULL,
       room       TEXT NOT NULL,
       id         TEXT NOT NULL,
       number     INTEGER NOT NULL,
       x          DOUBLE PRECISION NOT NULL,
       y          DOUBLE PRECISION NOT NULL,
       resolved   BOOLEAN NOT NULL DEFAULT FALSE,
       created_at BIGINT NOT NULL,
       author     TEXT NOT NULL, -- JSON User
       PRIMARY KEY (tenant, room, id)
     );
     -- ord keeps creation order within a room (its writers are serialized by the room row's lock).
     CREATE TABLE comments (
       tenant     TEXT NOT NULL,
       room       TEXT NOT NULL,
       id         TEXT NOT NULL,
       marker_id  TEXT NOT NULL,
       text       TEXT NOT NULL,
       created_at BIGINT NOT NULL,
       edited_at  BIGINT,
       author     TEXT NOT NULL, -- JSON User
       ord        BIGSERIAL NOT NULL,
       PRIMARY KEY (tenant, room, id)
     );
     CREATE INDEX comments_by_marker ON comments (tenant, room, marker_id);
     -- The event log for resync (the WireEvent JSON as sent); trimmed to the retention bound per room.
     CREATE TABLE events (
       tenant  TEXT NOT NULL,
       room    TEXT NOT NULL,
       seq     BIGINT NOT NULL,
       payload TEXT NOT NULL,
       PRIMARY KEY (tenant, room, seq)
     );
     -- Idempotency keys live apart from the event log: kept for the TTL whatever the log retains.
     CREATE TABLE idempotency (
       tenant       TEXT NOT NULL,
       broadcast_id TEXT NOT NULL,
       fingerprint  TEXT NOT NULL,
       room         TEXT NOT NULL,
       seq          BIGINT NOT NULL,
       created_at   BIGINT NOT NULL,
       PRIMARY KEY (tenant, broadcast_id)
     );
     CREATE INDEX idempotency_by_age ON idempotency (created_at);
     -- Usage counters per tenant per UTC day (SPEC §3); every process adds its deltas.
     CREATE TABLE usage (
       tenant        TEXT NOT NULL,
       day           TEXT NOT NULL, -- YYYY-MM-DD, UTC
       messages      BIGINT NOT NULL DEFAULT 0,
       bytes         BIGINT NOT NULL DEFAULT 0,
       conversations BIGINT NOT NULL DEFAULT 0,
       PRIMARY KEY (tenant, day)
     );`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]![0];

// Any fixed 64-bit number, the same in every process of every version: the advisory lock that serializes migrations.
const MIGRATION_LOCK = 7_317_202_611_081_244n;

/** Runs the migrations this database has not had yet, one transaction each, holding the migration lock. */
export async function migrate(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS image_chat_schema (
      version    INTEGER PRIMARY KEY,
      applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM image_chat_schema');
    const current = rows[0]?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`the database's schema is version ${current}, newer than this image-chat's (${SCHEMA_VERSION}): upgrade image-chat`);
    }
    for (const [version, sql] of MIGRATIONS) {
      if (version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO image_chat_schema (version) VALUES ($1)', [version]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
  }
}
