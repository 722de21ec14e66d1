/**
 * Configuration per SPEC §6: environment variables, each also a command-line flag (`--port 8080` or
 * `--port=8080`); flags win. `loadConfig` throws ConfigError whose message names the setting and the rule.
 */
export interface Config {
  port: number;
  host: string | undefined;
  dataDir: string;
  /** The tenants file (IMAGE_CHAT_CONFIG). */
  configFile: string | undefined;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** PEM files: with both, the server serves HTTPS and WSS itself. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Behind a reverse proxy: per-IP limits use X-Forwarded-For's last entry. Undefined: the tenants file decides. */
  trustProxy: boolean | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const SETTINGS = {
  PORT: 'port',
  HOST: 'host',
  DATA_DIR: 'data-dir',
  IMAGE_CHAT_CONFIG: 'config',
  DATABASE_URL: 'database-url',
  REDIS_URL: 'redis-url',
  TLS_CERT: 'tls-cert',
  TLS_KEY: 'tls-key',
  TRUST_PROXY: 'trust-proxy',
} as const;

type Setting = keyof typeof SETTINGS;

/** Flags as a map from setting name to value. Unknown flags are an error: a typo should not be silently ignored. */
function parseFlags(argv: readonly string[]): Partial<Record<Setting, string>> {
  const byFlag = new Map<string, Setting>(Object.entries(SETTINGS).map(([setting, flag]) => [flag, setting as Setting]));
  const values: Partial<Record<Setting, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const setting = match && byFlag.get(match[1]);
    if (!match || !setting) {
      throw new ConfigError(`unknown argument "${arg}"; flags are ${Object.values(SETTINGS).map((f) => `--${f}`).join(', ')}`);
    }
    let value = match[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new ConfigError(`--${match[1]} needs a value`);
    }
    values[setting] = value;
  }
  return values;
}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const flags = parseFlags(argv);
  const get = (setting: Setting): string | undefined => {
    const value = flags[setting] ?? env[setting];
    return value === undefined || value === '' ? undefined : value;
  };

  const portText = get('PORT') ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${portText}"`);
  }
  const host = get('HOST');
  if (host !== undefined && /\s/.test(host)) throw new ConfigError(`HOST must be a host name or IP address, got "${host}"`);

  const config: Config = {
    port,
    host,
    dataDir: get('DATA_DIR') ?? './data',
    configFile: get('IMAGE_CHAT_CONFIG'),
    databaseUrl: get('DATABASE_URL'),
    redisUrl: get('REDIS_URL'),
    tlsCert: get('TLS_CERT'),
    tlsKey: get('TLS_KEY'),
    trustProxy: parseBoolean('TRUST_PROXY', get('TRUST_PROXY')),
  };
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError('TLS_CERT and TLS_KEY go together: set both (PEM files) to serve HTTPS, or neither');
  }
  if (config.databaseUrl) parseDatabaseUrl(config.databaseUrl);
  requireDatabaseForRedis(config.redisUrl, config.databaseUrl);
  return config;
}

/**
 * Several processes must share one database: Redis alone would fan events out between processes that each keep
 * their own SQLite history, which would not agree. (startServer applies the same rule to its options.)
 */
export function requireDatabaseForRedis(redisUrl: string | undefined, databaseUrl: string | undefined): void {
  if (redisUrl && !databaseUrl) {
    throw new ConfigError('REDIS_URL needs DATABASE_URL: processes that share Redis must share one PostgreSQL database too (or unset REDIS_URL to run one process on SQLite)');
  }
}

function parseBoolean(setting: Setting, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new ConfigError(`${setting} must be true or false, got "${value}"`);
}

/** `postgres://user@host:port/database`, the password left out: what the messages show. */
export function describeDatabaseUrl(url: URL): string {
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${url.protocol}//${user}${url.host || 'localhost'}${url.pathname}`;
}

/** Parses DATABASE_URL, or throws a ConfigError saying what it must look like. */
export function parseDatabaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL such as postgres://user:password@host:5432/database, got something that is not a URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL, got a ${url.protocol}// one`);
  }
  if (url.pathname.length <= 1) throw new ConfigError(`DATABASE_URL must name a database (postgres://host/database), got ${describeDatabaseUrl(url)}`);
  return url;
}

