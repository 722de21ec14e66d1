import { ProtocolError } from '../errors.js';

/** A tenant as the server knows it. Only the embedded `demo` tenant exists until tenant files are supported. */
export interface Tenant {
  id: string;
  allowGuests: boolean;
  /** Origins whose pages may connect; `*` allows any. */
  origins: '*' | string[];
}

const DEMO: Tenant = { id: 'demo', allowGuests: true, origins: '*' };

export const DEFAULT_TENANT = DEMO.id;

/** The tenant with this id, or ProtocolError forbidden. */
export function requireTenant(id: string | undefined): Tenant {
  const tenantId = id ?? DEFAULT_TENANT;
  if (tenantId === DEMO.id) return DEMO;
  throw new ProtocolError('forbidden', `unknown tenant "${tenantId.slice(0, 64)}"`);
}
