/**
 * The Storage implementations the contract suite (storage-contract.test.ts) runs against. Each gives a fresh
 * place (an empty data directory, an empty database) where storages can be opened, reopened (a restart) and, for a
 * backend several processes share, opened twice at once (two processes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStorage } from '../../storage/postgres/postgres-storage.js';
import { SqliteStorage } from '../../storage/sqlite-storage.js';
import type { Storage } from '../../storage/storage.js';
import { freshDatabase } from './postgres.js';

export interface StorageOptions {
  eventLogRetention?: number;
  idempotencyTtlMs?: number;
}

export interface StoragePlace {
  /** A storage on this place's data: a second call while the first is open is a second process (where shared). */
  open(options?: StorageOptions): Promise<Storage>;
  /** Removes the place and its data. */
  remove(): Promise<void>;
}

export interface StorageBackend {
  name: string;
  /** Whether several processes share one place (PostgreSQL) — the concurrency tests run only there. */
  shared: boolean;
  fresh(): Promise<StoragePlace>;
}

const defaults = (options: StorageOptions = {}) => ({ eventLogRetention: options.eventLogRetention ?? 1000, idempotencyTtlMs: options.idempotencyTtlMs ?? 60_000 });

export const STORAGE_BACKENDS: readonly StorageBackend[] = [
  {
    name: 'SQLite',
    shared: false,
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'image-chat-contract-'));
      return {
        async open(options) {
          return new SqliteStorage({ dataDir, ...defaults(options) });
        },
        async remove() {
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    shared: true,
    async fresh() {
      const database = await freshDatabase();
      return {
        open: (options) => PostgresStorage.open({ databaseUrl: database.url, ...defaults(options) }),
        remove: () => database.drop(),
      };
    },
  },
];
