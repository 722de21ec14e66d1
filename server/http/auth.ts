import type { Context } from 'koa';
import { ProtocolError } from '../errors.js';
import type { Identity } from '../identity/authenticate.js';
import { clientAddress } from '../limits/client-address.js';
import type { Services } from '../services.js';
import type { Tenant } from '../tenants/tenant-config.js';

/** The request's tenant (`?tenant=`, default `demo`), or ProtocolError forbidden. */
export function tenantOf(ctx: Context, services: Services): Tenant {
  const tenant = ctx.query.tenant;
  if (Array.isArray(tenant)) throw new ProtocolError('bad-request', 'tenant must be given once');
  return services.tenants.require(tenant);
}

/** The bearer token, or (where `allowQuery`, for EventSource which cannot set headers) the `token` query parameter. */
export function tokenOf(ctx: Context, allowQuery = false): string | undefined {
  const header = ctx.get('Authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ProtocolError('unauthorized', 'Authorization must be "Bearer <token>"');
    return match[1];
  }
  const query = ctx.query.token;
  if (allowQuery && Array.isArray(query)) throw new ProtocolError('unauthorized', 'token must be given once');
  return allowQuery && typeof query === 'string' && query ? query : undefined;
}

const TOKEN_NEEDED = 'this request needs a token (Authorization: Bearer <token>)';

/**
 * The request's identity. A token, if given, must be valid (401 otherwise). Without one: null where the tenant lets
 * guests in (they may read without an identity: they could get one anyway), else 401 — and always 401 when
 * `required` (changing anything needs someone to be the author).
 */
export async function identityOf(
  ctx: Context,
  services: Services,
  tenant: Tenant,
  { required = false, allowQuery = false }: { required?: boolean; allowQuery?: boolean } = {},
): Promise<Identity | null> {
  const token = tokenOf(ctx, allowQuery);
  if (token) return services.authenticate(tenant, token);
  if (required || !tenant.guests) throw new ProtocolError('unauthorized', TOKEN_NEEDED);
  return null;
}

/** The client address limits are keyed by (see limits/client-address.ts). */
export function addressOf(ctx: Context, services: Services): string {
  return clientAddress(ctx.req, services.trustProxy);
}
