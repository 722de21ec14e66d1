/**
 * `image-chat token --tenant acme --sub u42 --name "Ana" [--role moderator] [--rooms a,b] [--ttl 1h] [--config file]`
 * prints a user token signed with the tenant's secret — for trying things out and for tests. In production the
 * host site's backend mints tokens itself (README: "Minting tokens").
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadTenants } from '../tenants/tenant-config.js';
import { mintUserToken } from '../tokens/user-token.js';

const USAGE =
  'usage: image-chat token --tenant <id> --sub <user id> --name <display name> [--role user|moderator] [--rooms a,b] [--ttl 1h] [--config tenants.json]';

/** Parses a lifetime such as `90s`, `15m`, `1h`, `7d` (a bare number is seconds). */
export function parseTtl(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new ConfigError(`--ttl must look like 90s, 15m, 1h or 7d, got "${value}"`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new ConfigError('--ttl must be positive');
  return seconds;
}

/** Runs the subcommand; returns the process exit code. */
export async function runMintToken(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: { write(text: string): unknown } = process.stdout,
  err: { write(text: string): unknown } = process.stderr,
): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        tenant: { type: 'string' },
        sub: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        rooms: { type: 'string' },
        ttl: { type: 'string', default: '1h' },
        config: { type: 'string' },
      },
      strict: true,
    });
    if (!values.tenant || !values.sub || !values.name) throw new ConfigError(`--tenant, --sub and --name are required\n${USAGE}`);
    if (values.role !== undefined && values.role !== 'user' && values.role !== 'moderator') {
      throw new ConfigError(`--role must be "user" or "moderator", got "${values.role}"`);
    }
    const tenants = loadTenants(values.config ?? env.IMAGE_CHAT_CONFIG);
    const tenant = tenants.find((t) => t.id === values.tenant);
    if (!tenant) throw new ConfigError(`no tenant "${values.tenant}" in the configuration (known: ${tenants.map((t) => t.id).join(', ')})`);
    if (!tenant.secret) throw new ConfigError(`tenant "${tenant.id}" has no "secret" in the configuration, so it accepts no user tokens`);
    const token = await mintUserToken(tenant, {
      sub: values.sub,
      name: values.name,
      role: values.role as 'user' | 'moderator' | undefined,
      rooms: values.rooms?.split(',').map((room) => room.trim()).filter(Boolean),
      ttlSeconds: parseTtl(values.ttl!),
    });
    out.write(`${token}\n`);
    return 0;
  } catch (error) {
    err.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    return 2;
  }
}
