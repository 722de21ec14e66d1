/**
 * Guest identities: a JWT (HS256) signed with a secret that is generated once and kept in the database, so a guest
 * stays the same person across reloads and server restarts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { User } from '../../protocol/messages.js';
import type { Storage } from '../storage/storage.js';
import { guestName } from './guest-names.js';

const GUEST_TOKEN_LIFETIME = '365d';
const SECRET_KEY = 'guest-token-secret';

export interface GuestIdentity {
  token: string;
  user: User;
}

/** A verified guest token: who, and when it was signed and expires (epoch ms). */
export interface VerifiedGuest {
  user: User;
  issuedAt: number;
  expiresAt: number;
}

export class Guests {
  private constructor(private readonly secret: Uint8Array) {}

  static async open(storage: Storage): Promise<Guests> {
    const secret = await storage.metaValue(SECRET_KEY, () => randomBytes(32).toString('base64url'));
    return new Guests(Buffer.from(secret, 'base64url'));
  }

  /** A new guest — or, given `user`, a fresh token for that same guest (renewal keeps the id and name). */
  async mint(tenant: string, user: User = { id: `guest:${randomUUID()}`, name: guestName(), role: 'user' }): Promise<GuestIdentity> {
    const token = await new SignJWT({ name: user.name, tenant, guest: true })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(GUEST_TOKEN_LIFETIME)
      .sign(this.secret);
    return { token, user };
  }

  /** The guest a token names, or null when it is not a valid guest token for this tenant. */
  async verify(tenant: string, token: string): Promise<VerifiedGuest | null> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'] });
      if (payload.guest !== true || payload.tenant !== tenant) return null;
      if (typeof payload.sub !== 'string' || !payload.sub.startsWith('guest:')) return null;
      if (typeof payload.name !== 'string' || typeof payload.iat !== 'number' || typeof payload.exp !== 'number') return null;
      return { user: { id: payload.sub, name: payload.name, role: 'user' }, issuedAt: payload.iat * 1000, expiresAt: payload.exp * 1000 };
    } catch {
      return null;
    }
  }
}
