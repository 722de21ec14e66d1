import type { Tenant } from './tenant-config.js';

/** Looks tenants up by id. Built once at startup; tenants do not change while the server runs. */
export class TenantRegistry {
  readonly #tenants: ReadonlyMap<string, Tenant>;

  constructor(tenants: readonly Tenant[]) {
    this.#tenants = new Map(tenants.map((tenant) => [tenant.id, tenant]));
  }

  /** The tenant with this id, or undefined. */
  get(id: string): Tenant | undefined {
    return this.#tenants.get(id);
  }

  get ids(): string[] {
    return [...this.#tenants.keys()];
  }
}
