/** The HTTP side of the protocol (SPEC §3): ops by POST, guest identities, and a reachability probe. */
import type { AckMessage, ErrorMessage, Op, User } from '../../protocol/index.js';

const api = (server: string, path: string, tenant: string) => `${server}${path}?tenant=${encodeURIComponent(tenant)}`;

/**
 * Sends one op by `POST /api/rooms/:room/ops`: the body answers with its `ack` or `error`. Rejects only when no
 * answer came (network failure) — the op may or may not have been committed then.
 */
export async function postOp(server: string, tenant: string, token: string | undefined, op: Op): Promise<AckMessage | ErrorMessage> {
  const res = await fetch(api(server, `/api/rooms/${encodeURIComponent(op.room)}/ops`, tenant), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(op),
  });
  try {
    return (await res.json()) as AckMessage | ErrorMessage;
  } catch {
    return { type: 'error', broadcastId: op.broadcastId, code: res.status === 401 ? 'unauthorized' : 'internal', message: `HTTP ${res.status}` };
  }
}

/** A new guest identity (`POST /api/guest`), or rejects. */
export async function mintGuest(server: string, tenant: string): Promise<{ token: string; user: User }> {
  const res = await fetch(api(server, '/api/guest', tenant), { method: 'POST' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as { token: string; user: User };
}

/** Whether the server answers plain HTTP (`GET /healthz`): tells a blocked WebSocket from a server that is down. */
export async function answersHttp(server: string): Promise<boolean> {
  try {
    return (await fetch(`${server}/healthz`, { cache: 'no-store' })).ok;
  } catch {
    return false;
  }
}
