import type { Context } from 'koa';
import { ProtocolError } from '../errors.js';
import type { Identity } from '../identity/authenticate.js';
import { clientAddress } from '../limits/client-address.js';
import type { ServerContext } from '../realtime/context.js';
import type { Tenant } from '../tenants/tenant-config.js';

/** The request's tenant (`?tenant=`, default `demo`), or ProtocolError forbidden. */
export function tenantOf(http: Context, ctx: ServerContext): Tenant {
  const tenant = http.query.tenant;
  if (Array.isArray(tenant)) throw new ProtocolError('bad-request', 'tenant must be given once');
  return ctx.tenants.require(tenant);
}

/** The bearer token, or (where `allowQuery`, for EventSource which cannot set headers) the `token` query parameter. */
export function tokenOf(http: Context, allowQuery = false): string | undefined {
  const header = http.get('Authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ProtocolError('unauthorized', 'Authorization must be "Bearer <token>"');
    return match[1];
  }
  const query = http.query.token;
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
  http: Context,
  ctx: ServerContext,
  tenant: Tenant,
  { required = false, allowQuery = false }: { required?: boolean; allowQuery?: boolean } = {},
): Promise<Identity | null> {
  const token = tokenOf(http, allowQuery);
  if (token) return ctx.authenticate(tenant, token);
  if (required || !tenant.guests) throw new ProtocolError('unauthorized', TOKEN_NEEDED);
  return null;
}

/** The client address limits are keyed by (see limits/client-address.ts). */
export function addressOf(http: Context, ctx: ServerContext): string {
  return clientAddress(http.req, ctx.trustProxy);
}
