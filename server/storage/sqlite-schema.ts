/**
 * The SQLite schema, version 2 (2 added `usage`). `user_version` records it so that later versions can migrate;
 * every statement is `IF NOT EXISTS`, so opening a version-1 database adds what is missing.
 */
export const SCHEMA_VERSION = 2;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rooms (
  tenant TEXT NOT NULL,
  room   TEXT NOT NULL,
  seq    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, room)
) WITHOUT ROWID;
-- rowid keeps creation order for snapshots.
CREATE TABLE IF NOT EXISTS markers (
  tenant     TEXT NOT NULL,
  room       TEXT NOT NULL,
  id         TEXT NOT NULL,
  x          REAL NOT NULL,
  y          REAL NOT NULL,
  resolved   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  author     TEXT NOT NULL, -- JSON User
  UNIQUE (tenant, room, id)
);
CREATE TABLE IF NOT EXISTS comments (
  tenant     TEXT NOT NULL,
  room       TEXT NOT NULL,
  id         TEXT NOT NULL,
  marker_id  TEXT NOT NULL,
  text       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at  INTEGER,
  author     TEXT NOT NULL, -- JSON User
  UNIQUE (tenant, room, id)
);
CREATE INDEX IF NOT EXISTS comments_by_marker ON comments (tenant, room, marker_id);
-- The event log for resync; trimmed to the retention bound per room.
CREATE TABLE IF NOT EXISTS events (
  tenant  TEXT NOT NULL,
  room    TEXT NOT NULL,
  seq     INTEGER NOT NULL,
  payload TEXT NOT NULL, -- JSON RoomEvent
  PRIMARY KEY (tenant, room, seq)
) WITHOUT ROWID;
-- Idempotency keys live apart from the event log: kept for the TTL whatever the log retains.
CREATE TABLE IF NOT EXISTS idempotency (
  tenant       TEXT NOT NULL,
  broadcast_id TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  room         TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (tenant, broadcast_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency (created_at);
-- Usage counters per tenant per UTC day (SPEC §3), flushed from memory periodically and at close.
CREATE TABLE IF NOT EXISTS usage (
  tenant        TEXT NOT NULL,
  day           TEXT NOT NULL, -- YYYY-MM-DD, UTC
  messages      INTEGER NOT NULL DEFAULT 0,
  bytes         INTEGER NOT NULL DEFAULT 0,
  conversations INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant, day)
) WITHOUT ROWID;
`;
