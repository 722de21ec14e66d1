/**
 * A process that loses Redis (SPEC §5, issue 8's readiness): `/readyz` answers 503 naming `redis` while it is away,
 * the process keeps serving its own clients (ops acked, its viewers get their events), and when Redis is back it
 * is ready again and its viewers get what another process wrote meanwhile. Two servers on one fresh PostgreSQL
 * database; one reaches Redis through a TCP proxy that the test cuts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTcpProxy, type TcpProxy } from '../../test-support/tcp-proxy.js';
import { api, ops, startTestServer, uuid, WsClient, type TestServer } from './helpers.js';
import { freshDatabase, type FreshDatabase } from './support/postgres.js';
import { TEST_REDIS_URL } from './support/redis.js';

async function until(done: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a process that loses Redis', () => {
  let db: FreshDatabase;
  let proxy: TcpProxy;
  let cutOff: TestServer;
  let other: TestServer;

  before(async () => {
    db = await freshDatabase();
    proxy = await startTcpProxy(TEST_REDIS_URL.replace(/^redis:/, 'http:'));
    cutOff = await startTestServer({ databaseUrl: db.url, redisUrl: proxy.url.replace(/^http:/, 'redis:') });
    other = await startTestServer({ databaseUrl: db.url, redisUrl: TEST_REDIS_URL });
  });

  after(async () => {
    proxy.restore();
    await Promise.all([cutOff?.stop(), other?.stop()]);
    await proxy.close();
    await db.drop();
  });

  it('is not ready while Redis is away, keeps serving its own clients, and catches up when Redis returns', async () => {
    const room = `outage-${uuid()}`;
    assert.equal((await api(cutOff, '/readyz')).status, 200);
    const viewer = await WsClient.connect(cutOff);
    await viewer.subscribe(room);
    const writer = await WsClient.connect(cutOff);
    const elsewhere = await WsClient.connect(other);

    proxy.cut(true); // every connection to Redis dropped, new ones refused
    await until(async () => (await api(cutOff, '/readyz')).status === 503, '/readyz 503');
    const answer = await api(cutOff, '/readyz');
    assert.match(JSON.stringify(answer.json), /redis/, 'the answer names the failing probe');

    // Its own clients are still served: the op is committed and acked, its viewer gets the event.
    const own = ops.createMarker(room, 'while Redis is away');
    assert.equal((await writer.op(own)).type, 'ack');
    assert.equal((await viewer.event(room, 5000)).seq, 1);
    // Another process writes meanwhile: this process cannot hear it yet.
    assert.equal((await elsewhere.op(ops.createMarker(room, 'from the other process'))).type, 'ack');

    proxy.restore();
    await until(async () => (await api(cutOff, '/readyz')).status === 200, '/readyz 200 again');
    const caughtUp = await viewer.event(room, 10_000);
    assert.equal(caughtUp.seq, 2, 'the other process\'s event, from the log once Redis is back');
    await Promise.all([viewer.close(), writer.close(), elsewhere.close()]);
  });
});
