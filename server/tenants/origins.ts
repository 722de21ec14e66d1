import type { Tenant } from './tenant-config.js';

/**
 * Whether a page at `origin` may use `tenant`. A request with no `Origin` header (a server-side client, curl) is
 * allowed: origin checks protect users' browsers from other sites' pages, not the server from other programs —
 * tokens do that.
 */
export function isOriginAllowed(tenant: Tenant, origin: string | undefined): boolean {
  if (origin === undefined || tenant.origins.includes('*')) return true;
  return tenant.origins.includes(origin.toLowerCase());
}
