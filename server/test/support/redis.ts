/**
 * Redis for tests: the machine's Redis (REDIS_URL, default redis://127.0.0.1:6379), each test with a key and
 * channel prefix of its own so that suites running at the same time never see each other, removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(): string {
  return `image-chat-test:${randomBytes(6).toString('hex')}:`;
}

export async function redisClient(name?: string): Promise<Redis> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, ...(name ? { connectionName: name } : {}) });
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = await redisClient();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The ids of the Redis connections whose client name starts with `namePrefix` (of one type, if given). */
async function clientIds(redis: Redis, namePrefix: string, type?: 'pubsub' | 'normal'): Promise<string[]> {
  const list = (await redis.call('CLIENT', 'LIST', ...(type ? ['TYPE', type] : []))) as string;
  return list
    .split('\n')
    .map((line) => ({ id: /\bid=(\d+)/.exec(line)?.[1], name: /\bname=(\S*)/.exec(line)?.[1] ?? '' }))
    .filter((c) => c.id && c.name.startsWith(namePrefix))
    .map((c) => c.id!);
}

/** How many Redis connections have a client name starting with `namePrefix` (of one type, if given). */
export async function countClients(namePrefix: string, type?: 'pubsub' | 'normal'): Promise<number> {
  const redis = await redisClient();
  try {
    return (await clientIds(redis, namePrefix, type)).length;
  } finally {
    redis.disconnect();
  }
}

/** Kills the Redis connections whose client name starts with `namePrefix` (and only those: other suites' stay). */
export async function killClients(namePrefix: string, type?: 'pubsub' | 'normal'): Promise<number> {
  const redis = await redisClient();
  try {
    const ids = await clientIds(redis, namePrefix, type);
    for (const id of ids) await redis.call('CLIENT', 'KILL', 'ID', id);
    return ids.length;
  } finally {
    redis.disconnect();
  }
}
