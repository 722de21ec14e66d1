import type { User } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import type { Guests } from './guests.js';
import { requireTenant } from './tenants.js';

/**
 * Turns (tenant, token) into a user: the one place tokens are verified, for every transport. Today it knows the
 * demo tenant's guest tokens; host-site JWTs (HS256 with the tenant's secret, SPEC §4) plug in here.
 * Throws ProtocolError unauthorized for a token it does not accept, forbidden for an unknown tenant.
 */
export type Authenticate = (tenant: string, token: string) => Promise<User>;

export function createAuthenticate(guests: Guests, maxNameLength: number): Authenticate {
  return async (tenantId, token) => {
    const tenant = requireTenant(tenantId);
    const user = tenant.allowGuests ? await guests.verify(tenant.id, token) : null;
    if (!user) throw new ProtocolError('unauthorized', 'the token is invalid or expired');
    return { ...user, name: [...user.name].slice(0, maxNameLength).join('') };
  };
}
