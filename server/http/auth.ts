import type { Context } from 'koa';
import type { User } from '../../protocol/messages.js';
import { ProtocolError } from '../errors.js';
import type { Authenticate } from '../identity/authenticate.js';
import { requireTenant, type Tenant } from '../identity/tenants.js';

/** The request's tenant (`?tenant=`, default `demo`), or ProtocolError forbidden. */
export function tenantOf(ctx: Context): Tenant {
  const tenant = ctx.query.tenant;
  if (Array.isArray(tenant)) throw new ProtocolError('bad-request', 'tenant must be given once');
  return requireTenant(tenant);
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
  return allowQuery && typeof query === 'string' && query ? query : undefined;
}

/** The request's user; `required` → a missing token is ProtocolError unauthorized, else null. */
export async function userOf(ctx: Context, authenticate: Authenticate, tenant: Tenant, required: boolean, allowQuery = false): Promise<User | null> {
  const token = tokenOf(ctx, allowQuery);
  if (token) return authenticate(tenant.id, token);
  if (required) throw new ProtocolError('unauthorized', 'this request needs a token (Authorization: Bearer <token>)');
  return null;
}
