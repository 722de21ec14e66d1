/**
 * Host-site user tokens (SPEC §4): JWTs signed HS256 with the tenant's secret by the host site's backend.
 * Verification is jose's; this module only decides which claims a token must carry and what they mean.
 */
import { SignJWT, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { LIMITS } from '../../protocol/limits.js';
import type { User } from '../../protocol/messages.js';
import { hasNoNul, NUL_RULE } from '../protocol/schemas.js';
import type { Tenant } from '../tenants/tenant-config.js';

/** What a verified token grants: who the user is, and the rooms they may use (undefined = every room). */
export interface TokenGrant {
  user: User;
  rooms?: string[];
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

/** Why a token was refused; `expired` lets the element ask the host page for a fresh one. */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    message: string,
    readonly reason: 'invalid' | 'expired' | 'wrong-tenant',
  ) {
    super(message);
  }
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(256).refine(hasNoNul, NUL_RULE),
  name: z.string().trim().min(1).max(LIMITS.maxNameLength).refine(hasNoNul, NUL_RULE),
  role: z.enum(['user', 'moderator']).optional(),
  tenant: z.string(),
  rooms: z.array(z.string().min(1).max(LIMITS.maxRoomLength).refine(hasNoNul, NUL_RULE)).max(1000).optional(),
  exp: z.number(),
});

const encoder = new TextEncoder();

/** Verifies `token` for `tenant`; throws TokenError when it is not good. */
export async function verifyUserToken(tenant: Tenant, token: string): Promise<TokenGrant> {
  if (!tenant.secret) throw new TokenError(`tenant ${tenant.id} accepts no user tokens`, 'invalid');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, encoder.encode(tenant.secret), { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new TokenError('token expired', 'expired');
    throw new TokenError('token invalid', 'invalid');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new TokenError(`token claims invalid: ${claims.error.issues[0]!.path.join('.')} ${claims.error.issues[0]!.message}`, 'invalid');
  if (claims.data.tenant !== tenant.id) throw new TokenError('token is for another tenant', 'wrong-tenant');
  const { sub, name, role, rooms, exp } = claims.data;
  return { user: { id: sub, name, role: role ?? 'user' }, rooms, expiresAt: exp * 1000 };
}

export interface MintOptions {
  sub: string;
  name: string;
  role?: 'user' | 'moderator';
  rooms?: string[];
  /** Lifetime in seconds. */
  ttlSeconds: number;
}

/** Mints a user token, as a host site's backend would (used by the CLI and the tests). */
export async function mintUserToken(tenant: Tenant, options: MintOptions): Promise<string> {
  if (!tenant.secret) throw new TypeError(`tenant ${tenant.id} has no secret: it cannot mint user tokens`);
  const claims: Record<string, unknown> = { name: options.name, tenant: tenant.id };
  if (options.role) claims.role = options.role;
  if (options.rooms) claims.rooms = options.rooms;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + options.ttlSeconds)
    .sign(encoder.encode(tenant.secret));
}

/** Whether a grant lets its holder into `room`. */
export function mayUseRoom(grant: Pick<TokenGrant, 'rooms'>, room: string): boolean {
  return grant.rooms === undefined || grant.rooms.includes(room);
}
