/**
 * Readiness (`GET /readyz`): the server can do its work when every probe answers — its database, and, where the
 * server uses them, the other services it depends on (PostgreSQL, Redis). A probe is a name and an async check that
 * throws when it is not ready. Each check is bounded in time: a database that hangs makes the server not ready,
 * not `/readyz` hang.
 */
import type { Storage } from '../storage/storage.js';

export interface ReadinessProbe {
  /** Named in the `/readyz` answer, e.g. `sqlite`. */
  readonly name: string;
  /** Resolves when the dependency answers; throws (or rejects) when it does not. */
  check(): Promise<void>;
}

export interface ProbeResult {
  name: string;
  ok: boolean;
  /** Why it is not ready (the check's error message). */
  error?: string;
}

export interface Readiness {
  ready: boolean;
  checks: ProbeResult[];
}

/** How long one check may take before it counts as failed. */
export const PROBE_TIMEOUT_MS = 2000;

/** Runs every probe at once; ready when all of them answered in time. */
export async function checkReadiness(probes: readonly ReadinessProbe[], timeoutMs = PROBE_TIMEOUT_MS): Promise<Readiness> {
  const checks = await Promise.all(probes.map((probe) => runProbe(probe, timeoutMs)));
  return { ready: checks.every((check) => check.ok), checks };
}

async function runProbe(probe: ReadinessProbe, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe.check(), timeout]);
    return { name: probe.name, ok: true };
  } catch (err) {
    return { name: probe.name, ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The database answers a trivial query: reading the epoch, which every database has from its first start (so the
 * check writes nothing). Named after the backend: `sqlite`, or `postgres` (where a lost server shows).
 */
export function storageProbe(storage: Storage, name = 'sqlite'): ReadinessProbe {
  return {
    name,
    async check() {
      await storage.metaValue('epoch', () => {
        throw new Error('the database has no epoch');
      });
    },
  };
}
