import { ProtocolError } from '../errors.js';
import { DEMO_TENANT, type Tenant } from './tenant-config.js';

/** Looks tenants up by id. Built once at startup; tenants do not change while the server runs. */
export class TenantRegistry {
  readonly #tenants: ReadonlyMap<string, Tenant>;

  constructor(tenants: readonly Tenant[]) {
    if (tenants.length === 0) throw new TypeError('TenantRegistry needs at least one tenant');
    this.#tenants = new Map(tenants.map((tenant) => [tenant.id, tenant]));
  }

  /** The tenant with this id, or undefined. */
  get(id: string): Tenant | undefined {
    return this.#tenants.get(id);
  }

  /**
   * The tenant with this id (absent: `demo`, the element's default), or ProtocolError forbidden. The id is
   * checked with `Map.get` only, so `__proto__` and friends are simply unknown tenants.
   */
  require(id: string | undefined): Tenant {
    const tenant = this.#tenants.get(id ?? DEMO_TENANT.id);
    if (!tenant) throw new ProtocolError('forbidden', `unknown tenant "${String(id).slice(0, 64)}"`);
    return tenant;
  }

  get ids(): string[] {
    return [...this.#tenants.keys()];
  }
}
