/**
 * PostgreSQL for tests: the machine's server (TEST_DATABASE_URL names a database to connect to for administration,
 * default postgres://postgres@127.0.0.1:5432/postgres). Each suite makes a database of its own, with a random name,
 * and drops it afterwards, so suites running at the same time never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FreshDatabase {
  /** DATABASE_URL of the new, empty database. */
  url: string;
  name: string;
  /** Ends its connections and drops it. */
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(): Promise<FreshDatabase> {
  const name = `image_chat_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await admin(async (client) => {
        // A storage a failed test left open must not keep the database: end its connections, then drop it.
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}
