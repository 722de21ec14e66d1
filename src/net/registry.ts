/**
 * One {@link Connection} per server + tenant + token on the page, shared by reference counting: every
 * `<image-chat>` acquires on connect and releases on disconnect; the last release closes the socket after a short
 * grace period, so an element moved in the DOM (disconnect + connect in one task) keeps it.
 */
import { Connection } from './connection.js';
import type { ConnectionOptions } from './options.js';

const GRACE_MS = 1000;

interface Entry {
  connection: Connection;
  refs: number;
  closeTimer?: ReturnType<typeof setTimeout>;
}

const entries = new Map<string, Entry>();

/** A connection handle; call `release()` exactly once. */
export interface ConnectionLease {
  connection: Connection;
  release(): void;
}

/**
 * Moves a leased connection to a new token in place (SPEC §1: a new `token` re-authenticates with `auth` without
 * dropping the other elements' subscriptions). Elements that later ask for the same server, tenant and new token
 * get this connection.
 */
export function reauthenticate(lease: ConnectionLease, token: string): void {
  // Found first, moved after: adding to a Map while iterating it would visit the moved entry again.
  const found = [...entries].find(([, entry]) => entry.connection === lease.connection);
  if (found) {
    const [key, entry] = found;
    const [server, tenant] = JSON.parse(key) as [string, string, string];
    entries.delete(key);
    entries.set(JSON.stringify([server, tenant, token]), entry);
  }
  lease.connection.authenticate(token);
}

/** The base URL in one canonical form (absolute, no trailing slash), relative URLs resolved against the page. */
export function normalizeServer(server: string | undefined): string {
  const base = globalThis.location?.href;
  const url = new URL(server || globalThis.location?.origin || 'http://localhost', base);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function acquireConnection(options: ConnectionOptions): ConnectionLease {
  const server = normalizeServer(options.server);
  const key = JSON.stringify([server, options.tenant, options.token ?? '']);
  let entry = entries.get(key);
  if (!entry || entry.connection.state === 'closed') {
    entry = { connection: new Connection({ ...options, server }), refs: 0 };
    entries.set(key, entry);
  }
  const current = entry;
  clearTimeout(current.closeTimer);
  current.refs++;
  let released = false;
  return {
    connection: current.connection,
    release() {
      if (released) return;
      released = true;
      if (--current.refs > 0) return;
      current.closeTimer = setTimeout(() => {
        if (current.refs > 0) return;
        current.connection.close();
        // The key may have moved (reauthenticate): find the entry by identity.
        for (const [k, e] of entries) if (e === current) entries.delete(k);
      }, GRACE_MS);
    },
  };
}
