/**
 * Reading a JWT's payload without verifying it: the server verifies; the element only wants to know whom a token
 * names (to show the user before `welcome`, and to key this browser's per-user storage). The one copy of this.
 */
import type { User } from '../../protocol/index.js';

/** The payload of a `header.payload.signature` token, or null when it is not one (base64url, UTF-8 JSON). */
export function jwtPayload(token: string): Record<string, unknown> | null {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const payload: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The user a token names (`sub`, `name`, `role`), or null. */
export function userFromToken(token: string): User | null {
  const p = jwtPayload(token);
  return typeof p?.sub === 'string' ? { id: p.sub, name: String(p.name ?? ''), ...(p.role === 'moderator' ? { role: 'moderator' } : {}) } : null;
}

/**
 * The key a token's user is stored under: its `sub` (guest and host-site tokens are both JWTs). A token that is not a
 * readable JWT keys by itself, so that one user's data is never shown to another.
 */
export function userKey(token: string): string {
  const sub = jwtPayload(token)?.sub;
  return typeof sub === 'string' && sub ? sub : `token:${token}`;
}
