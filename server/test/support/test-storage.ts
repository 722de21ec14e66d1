/**
 * `TEST_STORAGE=postgres` runs the server tests that use startTestServer on PostgreSQL instead of SQLite: each data
 * directory a test uses stands for a fresh database of its own (the same one again when the test restarts a server
 * on that directory), dropped when the test removes the directory or, at the latest, when the test process ends.
 * Tests that look at SQLite itself (its files, its readiness probe's name) still expect SQLite.
 */
import { freshDatabase, type FreshDatabase } from './postgres.js';

export const TEST_ON_POSTGRES = process.env.TEST_STORAGE === 'postgres';

const databases = new Map<string, Promise<FreshDatabase>>();

/** The database standing for `dataDir` (made on first use). */
export async function databaseFor(dataDir: string): Promise<string> {
  let database = databases.get(dataDir);
  if (!database) {
    database = freshDatabase();
    databases.set(dataDir, database);
  }
  return (await database).url;
}

/** Drops the database standing for `dataDir`, if there is one. */
export async function dropDatabaseFor(dataDir: string): Promise<void> {
  const database = databases.get(dataDir);
  databases.delete(dataDir);
  if (database) await (await database).drop();
}

// The ones a test left (it kept or removed the directory itself): dropped before the process exits.
process.once('beforeExit', () => {
  void Promise.all([...databases.keys()].map(dropDatabaseFor));
});
