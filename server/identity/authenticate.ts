import type { User } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import type { Tenant } from '../tenants/tenant-config.js';
import { TokenError, verifyUserToken } from '../tokens/user-token.js';
import type { Guests } from './guests.js';

/** Who a connection or request acts as, and what its token allows. */
export interface Identity {
  user: User;
  /** The rooms the token lists; undefined = every room of the tenant. */
  rooms?: readonly string[];
  /** When the token stops being valid, epoch ms: a WebSocket is closed with 4401 then, unless `auth` renews it. */
  expiresAt: number;
  /** Set for guest tokens (signed by this server): when it was signed, so that an old one can be renewed. */
  guestIssuedAt?: number;
}

/**
 * Turns (tenant, token) into an identity: the one place tokens are verified, for every transport. A tenant with a
 * secret accepts the host site's user tokens (HS256, SPEC §4); a tenant with `guests: true` accepts this server's
 * guest tokens. Throws ProtocolError unauthorized for anything else — expired, forged, another tenant's, garbage.
 */
export type Authenticate = (tenant: Tenant, token: string) => Promise<Identity>;

export function createAuthenticate(guests: Guests, maxNameLength: number): Authenticate {
  const clip = (user: User): User => ({ ...user, name: [...user.name].slice(0, maxNameLength).join('') });
  return async (tenant, token) => {
    let refusal = 'the token is invalid';
    if (tenant.secret) {
      try {
        const grant = await verifyUserToken(tenant, token);
        return { user: clip(grant.user), rooms: grant.rooms, expiresAt: grant.expiresAt };
      } catch (err) {
        if (!(err instanceof TokenError)) throw err;
        // Only an unreadable/unsigned-by-us token may still be a guest token; an expired user token is just expired.
        if (err.reason === 'expired') throw new ProtocolError('unauthorized', 'the token has expired');
        if (err.reason === 'wrong-tenant') throw new ProtocolError('unauthorized', 'the token is for another tenant');
      }
    }
    if (tenant.guests) {
      const guest = await guests.verify(tenant.id, token);
      if (guest) return { user: clip(guest.user), expiresAt: guest.expiresAt, guestIssuedAt: guest.issuedAt };
      refusal = 'the token is invalid or expired';
    }
    throw new ProtocolError('unauthorized', refusal);
  };
}

/** Throws ProtocolError forbidden unless the identity's token lets it into `room`. */
export function requireRoomAccess(identity: Pick<Identity, 'rooms'>, room: string): void {
  if (identity.rooms && !identity.rooms.includes(room)) {
    throw new ProtocolError('forbidden', 'your token does not give access to this room');
  }
}
