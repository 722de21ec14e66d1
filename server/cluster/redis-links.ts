/**
 * The Redis connections of one process (REDIS_URL): one for commands (PUBLISH, the shared limits, live counts) and
 * one in subscriber mode for the fan-out. Opened at startup, where a bad URL, an unreachable server or a refused
 * password stops the server with a message that names REDIS_URL; afterwards ioredis reconnects by itself, and a
 * command given while Redis is away fails fast (the callers fall back or catch up) instead of queueing forever.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigError } from '../config.js';

export interface RedisLinks {
  commands: Redis;
  subscriber: Redis;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 5000;

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function open(url: string, options: RedisOptions, role: string): Promise<Redis> {
  const redis = new Redis(url, options);
  // Before connect() settles, errors are its rejection; after, ioredis reports them here while it reconnects.
  redis.on('error', () => {});
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    const reason = (err as Error).message;
    const hint = /WRONGPASS|NOAUTH|invalid password|auth/i.test(reason) ? ' — check the password in REDIS_URL' : '';
    throw new ConfigError(`REDIS_URL: cannot use Redis at ${redactRedisUrl(url)} for the ${role} connection (${reason})${hint}`);
  }
}

/**
 * Opens both connections. `name` is given to them as Redis client names (`<name>:commands`, `<name>:subscriber`),
 * so that an operator's CLIENT LIST tells which process is which.
 */
export async function connectRedis(url: string, name = 'image-chat'): Promise<RedisLinks> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`REDIS_URL must be a URL like redis://host:6379 or rediss://host:6380, got "${redactRedisUrl(url)}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got "${parsed.protocol}//…"`);
  }
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // One retry across a reconnect, then the command fails: limits fall back to this process's, publishes are
    // re-sent when Redis is back (redis-fanout.ts).
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 5), 2000),
  };
  const commands = await open(url, { ...options, connectionName: `${name}:commands` }, 'command');
  let subscriber: Redis;
  try {
    subscriber = await open(url, { ...options, connectionName: `${name}:subscriber`, maxRetriesPerRequest: null }, 'subscriber');
  } catch (err) {
    commands.disconnect();
    throw err;
  }
  return {
    commands,
    subscriber,
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}
