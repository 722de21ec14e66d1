/**
 * Limits and live counts shared through a real Redis, with two guards standing for two processes: a user spread over
 * both gets the single-process limit, connections per address add up, a process that dies stops counting, and
 * live rooms open on both count once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { ClusterLiveStats } from '../cluster/cluster-live-stats.js';
import { ProcessRegistry } from '../cluster/process-registry.js';
import { ProtocolError } from '../errors.js';
import { LocalFanout } from '../fanout/local-fanout.js';
import { RedisAbuseGuard } from '../limits/redis-abuse-guard.js';
import { resolveLimits } from '../limits/server-limits.js';
import { LocalLiveStats } from '../observability/live-stats.js';
import { dropPrefix, redisClient, testPrefix } from './support/redis.js';

const codeOf = (pending: Promise<unknown>) =>
  pending.then(
    () => 'ok',
    (err: unknown) => (err instanceof ProtocolError ? err.code : String(err)),
  );

describe('shared limits (Redis)', () => {
  let prefix: string;
  let redis: Redis[] = [];
  let guards: Array<{ close(): Promise<void> }> = [];

  /** A process's guard, with the heartbeat that makes its connection counts count. */
  const guard = async (process: string, limits = {}) => {
    const connection = await redisClient();
    redis.push(connection);
    const registry = new ProcessRegistry(connection, prefix, process);
    const made = new RedisAbuseGuard(connection, prefix, process, resolveLimits(limits));
    guards.push(made, registry);
    return made;
  };

  before(() => {
    prefix = testPrefix();
  });
  after(async () => {
    for (const g of guards) await g.close();
    for (const r of redis) r.disconnect();
    await dropPrefix(prefix);
  });

  it('a user spread over two processes gets the single-process burst, and so does an address', async () => {
    const limits = { opBurst: 10, opsPerSecond: 1, ipOpBurst: 15, ipOpsPerSecond: 1 };
    const [a, b] = [await guard('a', limits), await guard('b', limits)];
    const results = await Promise.all(Array.from({ length: 14 }, (_, i) => codeOf(Promise.resolve((i % 2 ? a : b).takeOp('t', 'ana', '10.0.0.1')))));
    // Two connections race to Redis, so which ones pass is not the send order: how many is the point.
    assert.equal(results.filter((r) => r === 'ok').length, 10, results.join(','));
    assert.equal(results.filter((r) => r === 'rate-limited').length, 4, results.join(','));
    // Another user at the same address: what is left of the address's bucket (15 − 10 taken by ana).
    const bob = await Promise.all(Array.from({ length: 8 }, (_, i) => codeOf(Promise.resolve((i % 2 ? a : b).takeOp('t', 'bob', '10.0.0.1')))));
    assert.equal(bob.filter((r) => r === 'ok').length, 5, bob.join(','));
  });

  it('guest creation per address is shared too', async () => {
    const [a, b] = [await guard('g1', { guestBurst: 3 }), await guard('g2', { guestBurst: 3 })];
    const results = await Promise.all([a, b, a, b, a].map((g) => codeOf(Promise.resolve(g.takeGuest('10.0.0.2')))));
    assert.deepEqual(results.filter((r) => r === 'ok').length, 3);
  });

  it('connections per address add up over processes, and a process that died stops counting', async () => {
    const [a, b] = [await guard('c1', { maxConnectionsPerIp: 3 }), await guard('c2', { maxConnectionsPerIp: 3 })];
    await new Promise((resolve) => setTimeout(resolve, 50)); // both have said they are alive
    assert.equal(await a.openConnection('10.0.0.3'), true);
    assert.equal(await b.openConnection('10.0.0.3'), true);
    assert.equal(await a.openConnection('10.0.0.3'), true);
    assert.equal(await b.openConnection('10.0.0.3'), false, 'the fourth, on either process, is refused');
    a.closeConnection('10.0.0.3');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await b.openConnection('10.0.0.3'), true, 'a closed connection frees its place');
    // Process a dies without a word: once its heartbeat expires, its connections no longer count.
    const admin = redis[0]!;
    await admin.del(`${prefix}alive:c1`);
    assert.equal(await b.openConnection('10.0.0.3'), true);
    assert.equal(await b.openConnection('10.0.0.3'), false);
  });

  it('live counts add up over processes; a room open on both counts once', async () => {
    const fanouts = [new LocalFanout(), new LocalFanout()];
    const locals = fanouts.map((f) => new LocalLiveStats(f));
    const connections = [await redisClient(), await redisClient()];
    redis.push(...connections);
    // The processes' set is the guards' (their heartbeats): register both.
    await guard('l1');
    await guard('l2');
    const stats = [new ClusterLiveStats(connections[0]!, prefix, 'l1', locals[0]!), new ClusterLiveStats(connections[1]!, prefix, 'l2', locals[1]!)];
    const listener = { onRun: () => {} };
    fanouts[0]!.subscribe('acme', 'home', listener);
    fanouts[0]!.subscribe('acme', 'pricing', listener);
    fanouts[1]!.subscribe('acme', 'home', listener);
    locals[0]!.connectionOpened('acme', 'websocket');
    locals[1]!.connectionOpened('acme', 'sse');
    locals[1]!.connectionOpened('acme', 'websocket');
    // Each process publishes its part every couple of seconds (and at start): ask once both parts are in.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.deepEqual(await stats[0]!.of('acme'), { connections: 3, rooms: 2 });
    assert.deepEqual(await stats[1]!.of('acme'), { connections: 3, rooms: 2 });
    for (const s of stats) await s.close();
  });
});
