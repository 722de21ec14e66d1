/**
 * Tenants (SPEC §4): who may connect, from where, and with which secret their users' tokens are signed.
 * Loaded once at startup from the JSON file named by `IMAGE_CHAT_CONFIG` (or `--config`); without a file the server
 * runs the single `demo` tenant that lets guests in from any origin — the embedded default.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LIMITS } from '../../protocol/limits.js';
import { ConfigError } from '../config.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from '../limits/server-limits.js';

// One ConfigError for every startup setting, whether it comes from the environment, a flag or this file.
export { ConfigError };

/** A configured tenant. `origins: ['*']` allows every origin. */
export interface Tenant {
  id: string;
  /** HS256 secret of the host site's user tokens; absent for a guests-only tenant. */
  secret?: string;
  origins: string[];
  guests: boolean;
  /** Bearer key for `GET /api/tenants/:tenant/usage`; absent = usage not readable over HTTP. */
  adminKey?: string;
}

export const DEMO_TENANT: Tenant = Object.freeze({ id: 'demo', origins: ['*'], guests: true }) as Tenant;

const MIN_SECRET_LENGTH = 32;

const originSchema = z
  .string()
  .refine((value) => value === '*' || isOrigin(value), 'must be "*" or an origin such as "https://app.example.com" (scheme, host and optional port; no path)');

const tenantSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "-" or "_", starting with a letter or digit')
      .max(LIMITS.maxTenantLength, `must be at most ${LIMITS.maxTenantLength} characters`),
    secret: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters (HS256 wants 256 bits)`).optional(),
    origins: z.array(originSchema).min(1, 'must list at least one origin, or "*"'),
    guests: z.boolean().default(false),
    adminKey: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .refine((tenant) => tenant.guests || tenant.secret !== undefined, {
    message: 'needs a "secret" (to verify user tokens) or "guests": true — otherwise nobody can join',
    path: ['secret'],
  });

// Server-wide limits may be set in the file too: each optional, a positive integer, and only the known names.
const limitsSchema = z.strictObject(
  Object.fromEntries(Object.keys(DEFAULT_SERVER_LIMITS).map((name) => [name, z.number().int().positive().optional()])) as Record<
    keyof ServerLimits,
    z.ZodOptional<z.ZodNumber>
  >,
);

const fileSchema = z.strictObject({
  /** Use X-Forwarded-For's last entry as the client address (only behind a reverse proxy that sets it). */
  trustProxy: z.boolean().optional(),
  limits: limitsSchema.optional(),
  tenants: z
    .array(tenantSchema)
    .min(1, 'must list at least one tenant')
    .refine((tenants) => new Set(tenants.map((t) => t.id)).size === tenants.length, 'has two tenants with the same id'),
});

/** Everything the tenants file configures. */
export interface ServerFileConfig {
  tenants: Tenant[];
  limits: Partial<ServerLimits>;
  trustProxy: boolean | undefined;
}

/** Parses a tenants file's contents. `source` names the file in error messages. */
export function parseTenantConfig(json: string, source: string): Tenant[] {
  return parseServerConfig(json, source).tenants;
}

/** Parses a tenants file's contents, tenants and server-wide settings. */
export function parseServerConfig(json: string, source: string): ServerFileConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length > 0 ? formatPath(issue.path) : '(top level)';
    throw new ConfigError(`${source}: ${where} ${issue.message}`);
  }
  const limits = Object.fromEntries(Object.entries(result.data.limits ?? {}).filter(([, value]) => value !== undefined)) as Partial<ServerLimits>;
  return {
    tenants: result.data.tenants.map((tenant) => Object.freeze({ ...tenant, origins: tenant.origins.map(normaliseOrigin) })),
    limits,
    trustProxy: result.data.trustProxy,
  };
}

/** Reads the tenants file at `path`, or returns the embedded default when there is none. */
export function loadTenants(path: string | undefined): Tenant[] {
  return loadServerConfig(path).tenants;
}

/** Reads the tenants file at `path` with its server-wide settings; without a file, the demo tenant and defaults. */
export function loadServerConfig(path: string | undefined): ServerFileConfig {
  if (!path) return { tenants: [DEMO_TENANT], limits: {}, trustProxy: undefined };
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`IMAGE_CHAT_CONFIG: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseServerConfig(json, `IMAGE_CHAT_CONFIG (${path})`);
}

function formatPath(path: PropertyKey[]): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === normaliseOrigin(value);
  } catch {
    return false;
  }
}

function normaliseOrigin(value: string): string {
  return value === '*' ? value : value.replace(/\/$/, '').toLowerCase();
}
