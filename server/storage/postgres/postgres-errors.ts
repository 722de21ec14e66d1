/**
 * What PostgreSQL's errors mean to image-chat: which ones a transaction may simply be run again for; at startup,
 * what went wrong in words that name DATABASE_URL (never its password); and checking a connection out so that its
 * breaking mid-transaction fails the query, not the process.
 */
import type { Pool, PoolClient } from 'pg';
import { ConfigError, describeDatabaseUrl } from '../../config.js';

// serialization_failure, deadlock_detected: the transaction lost a race and nothing of it was written.
const RETRYABLE = new Set(['40001', '40P01']);

/** Whether running the whole transaction again is the cure. */
export function isRetryable(err: unknown): boolean {
  return RETRYABLE.has(errorCode(err) ?? '');
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** A failure to connect (or to migrate) at startup, as a ConfigError naming DATABASE_URL. */
export function startupError(err: unknown, url: URL): ConfigError {
  const where = describeDatabaseUrl(url);
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ECONNREFUSED':
      return new ConfigError(`DATABASE_URL: PostgreSQL is unreachable at ${where} (connection refused): is it running, on that host and port?`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`DATABASE_URL: PostgreSQL is unreachable at ${where}: the host name "${url.hostname}" does not resolve`);
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConfigError(`DATABASE_URL: PostgreSQL is unreachable at ${where} (${code})`);
    case '28P01':
      return new ConfigError(`DATABASE_URL: PostgreSQL refused the password of user "${decodeURIComponent(url.username)}" at ${where}`);
    case '28000':
      // invalid_authorization_specification: an unknown role, or no pg_hba.conf entry for it.
      return new ConfigError(`DATABASE_URL: PostgreSQL refused the login at ${where}: ${message}`);
    case '3D000':
      return new ConfigError(`DATABASE_URL: ${message} at ${where} (create it first, e.g. createdb ${url.pathname.slice(1)})`);
    default:
      if (/timeout/i.test(message)) return new ConfigError(`DATABASE_URL: PostgreSQL is unreachable at ${where}: no answer in time`);
      return new ConfigError(`DATABASE_URL: cannot use PostgreSQL at ${where}: ${message}`);
  }
}

/**
 * A pooled connection for a transaction. While a connection is checked out the pool no longer listens for its
 * errors, so one that breaks mid-transaction (a server restart) would be an uncaught 'error' event and end the
 * process; the query in flight rejects with the same error anyway, so the listener only has to exist.
 */
export async function checkOut(pool: Pool): Promise<{ client: PoolClient; release(broken?: Error): void }> {
  const client = await pool.connect();
  const ignore = () => {};
  client.on('error', ignore);
  return {
    client,
    release(broken) {
      client.removeListener('error', ignore);
      client.release(broken);
    },
  };
}
