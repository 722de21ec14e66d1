/**
 * The usage answer the dashboard reads (`GET /api/tenants/:tenant/usage`, SPEC §3), and what it turns into: one
 * value per UTC day over a continuous range, so that a quiet day shows as 0 rather than as a missing bar.
 */

/** One day's counters, as the server sends them. */
export interface DayUsage {
  day: string;
  pubSubMessageCount: number;
  pubSubBandwidth: number;
  conversationCreateCount: number;
}

export interface UsageAnswer {
  tenant: string;
  pubSubMessageCount: number;
  pubSubBandwidth: number;
  conversationCreateCount: number;
  days: DayUsage[];
  /** Open connections and rooms with a subscriber, now (servers before this field: absent). */
  live?: { connections: number; rooms: number };
}

export type Metric = 'pubSubMessageCount' | 'pubSubBandwidth' | 'conversationCreateCount';

/** Days shown at least, so that a new tenant's first day is one bar among a fortnight, not a lone block. */
export const MIN_DAYS = 14;
/** Days shown at most: a year. */
export const MAX_DAYS = 366;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` (UTC) → epoch ms of its midnight, or NaN. */
export function dayToMs(day: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
}

export function msToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Every day from the first one with data (or `MIN_DAYS` before today, whichever is earlier; at most `MAX_DAYS`)
 * to today, each with its counters (zeros where the server has none).
 */
export function dailySeries(days: readonly DayUsage[], now = Date.now()): DayUsage[] {
  const today = dayToMs(msToDay(now));
  const known = new Map(days.filter((d) => Number.isFinite(dayToMs(d.day))).map((d) => [d.day, d]));
  const first = Math.min(today - (MIN_DAYS - 1) * DAY_MS, ...[...known.keys()].map(dayToMs));
  const start = Math.max(first, today - (MAX_DAYS - 1) * DAY_MS);
  const series: DayUsage[] = [];
  for (let ms = start; ms <= today; ms += DAY_MS) {
    const day = msToDay(ms);
    series.push(known.get(day) ?? { day, pubSubMessageCount: 0, pubSubBandwidth: 0, conversationCreateCount: 0 });
  }
  return series;
}

/** Why the usage could not be shown, in words an operator can act on. */
export function describeFailure(status: number, tenant: string, serverMessage?: string): string {
  switch (status) {
    case 401:
      return `The admin key was refused for tenant "${tenant}". Check it: the server prints the demo tenant's dashboard link when it starts; other tenants' keys are the adminKey in the tenants file.`;
    case 403:
      return `Tenant "${tenant}" has no admin key configured, so its usage cannot be read. Give it an adminKey in the tenants file.`;
    case 404:
      return `There is no tenant "${tenant}" on this server.`;
    case 0:
      return `The server could not be reached${serverMessage ? ` (${serverMessage})` : ''}. Trying again shortly.`;
    default:
      return `The server answered ${status}${serverMessage ? `: ${serverMessage}` : ''}. Trying again shortly.`;
  }
}

/** Fetches a tenant's usage; throws a {@link UsageError} whose message says what went wrong. */
export async function fetchUsage(base: URL, tenant: string, key: string): Promise<UsageAnswer> {
  let response: Response;
  try {
    response = await fetch(new URL(`api/tenants/${encodeURIComponent(tenant)}/usage`, base), {
      headers: { Authorization: `Bearer ${key}` },
      cache: 'no-store',
    });
  } catch (err) {
    throw new UsageError(0, describeFailure(0, tenant, (err as Error).message));
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { message?: unknown } | null;
    const message = typeof body?.message === 'string' ? body.message : undefined;
    throw new UsageError(response.status, describeFailure(response.status, tenant, message));
  }
  return (await response.json()) as UsageAnswer;
}

export class UsageError extends Error {
  constructor(
    /** The HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }

  /** Whether trying again later may help (the server was away), as opposed to a key or tenant to fix. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}
