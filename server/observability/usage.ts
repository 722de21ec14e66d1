/**
 * Usage counters per tenant per UTC day (messages and bytes sent to clients, markers created), in memory for now.
 * The usage endpoint and persistence across restarts come with tenant configuration (SPEC §3, §5).
 */
export interface DayUsage {
  day: string;
  pubSubMessageCount: number;
  pubSubBandwidth: number;
  conversationCreateCount: number;
}

export class Usage {
  private readonly tenants = new Map<string, Map<string, DayUsage>>();

  private today(tenant: string): DayUsage {
    const day = new Date().toISOString().slice(0, 10);
    let days = this.tenants.get(tenant);
    if (!days) this.tenants.set(tenant, (days = new Map()));
    let usage = days.get(day);
    if (!usage) days.set(day, (usage = { day, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0 }));
    return usage;
  }

  messageSent(tenant: string, bytes: number): void {
    const usage = this.today(tenant);
    usage.pubSubMessageCount += 1;
    usage.pubSubBandwidth += bytes;
  }

  conversationCreated(tenant: string): void {
    this.today(tenant).conversationCreateCount += 1;
  }

  days(tenant: string): DayUsage[] {
    return [...(this.tenants.get(tenant)?.values() ?? [])].map((d) => ({ ...d }));
  }
}
