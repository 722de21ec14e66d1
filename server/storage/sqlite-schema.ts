/**
 * The SQLite schema. `SCHEMA_SQL` is version 2's (2 added `usage`), every statement `IF NOT EXISTS`, so opening a
 * version-1 database adds what is missing; `MIGRATIONS` take a database from there to `SCHEMA_VERSION`, each run
 * once, in order, in one transaction with the `user_version` it reaches (sqlite-storage.ts).
 */
export const SCHEMA_VERSION = 3;

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

/** `[version, sql]`: the SQL takes a database at version - 1 to `version`. */
export const MIGRATIONS: ReadonlyArray<readonly [number, string]> = [
  [
    3,
    // Stable marker numbers (SPEC §2 `number`): a per-room counter that never goes back, so deleting marker 2 leaves
    // 1 and 3 as they were. Existing markers are numbered in creation order (rowid); the counter starts after them.
    // The room row also counts its markers, so that a create-marker no longer counts them with a scan.
    `ALTER TABLE rooms ADD COLUMN last_number INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE rooms ADD COLUMN marker_count INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE markers ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
     UPDATE markers SET number = (
       SELECT COUNT(*) FROM markers AS earlier
       WHERE earlier.tenant = markers.tenant AND earlier.room = markers.room AND earlier.rowid <= markers.rowid);
     UPDATE rooms SET
       last_number = (SELECT COALESCE(MAX(number), 0) FROM markers WHERE markers.tenant = rooms.tenant AND markers.room = rooms.room),
       marker_count = (SELECT COUNT(*) FROM markers WHERE markers.tenant = rooms.tenant AND markers.room = rooms.room);`,
  ],
];
