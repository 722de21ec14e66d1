/**
 * The server on PostgreSQL (DATABASE_URL): what it stores survives a restart on the same database, `/readyz` asks
 * PostgreSQL, and every way of getting the database wrong stops startup with a message naming DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../config.js';
import { startServer } from '../server.js';
import { startupError } from '../storage/postgres/postgres-errors.js';
import { startTcpProxy } from '../../test-support/tcp-proxy.js';
import { api, ops, startTestServer, uuid, WsClient } from './helpers.js';
import { freshDatabase, TEST_ADMIN_URL, type FreshDatabase } from './support/postgres.js';

const admin = new URL(TEST_ADMIN_URL);
const urlWith = (change: (url: URL) => void) => {
  const url = new URL(admin);
  change(url);
  return url.toString();
};
const start = (databaseUrl: string, extra: Record<string, unknown> = {}) => startServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', databaseUrl, ...extra });

describe('the server on PostgreSQL', () => {
  let database: FreshDatabase;
  before(async () => {
    database = await freshDatabase();
  });
  after(() => database.drop());

  it('keeps markers, epoch and the demo admin key across a restart; /readyz names postgres', async () => {
    const room = `pg-${uuid()}`;
    const first = await startTestServer({ databaseUrl: database.url });
    let epoch: string;
    try {
      const ready = await api(first, '/readyz');
      assert.deepEqual([ready.status, ready.json], [200, { ready: true, checks: [{ name: 'postgres', ok: true }] }]);
      const client = await WsClient.connect(first);
      const subscribed = await client.subscribe(room);
      assert.equal(subscribed.type, 'snapshot');
      epoch = subscribed.epoch;
      assert.equal((await client.op(ops.createMarker(room, 'kept in PostgreSQL'))).type, 'ack');
      await client.close();
    } finally {
      await first.stop();
    }
    const second = await startTestServer({ databaseUrl: database.url });
    try {
      const snapshot = await api(second, `/api/rooms/${room}/markers`);
      assert.equal(snapshot.json.epoch, epoch);
      assert.equal(snapshot.json.seq, 1);
      assert.deepEqual(snapshot.json.markers.map((m: { comments: { text: string }[] }) => m.comments[0]!.text), ['kept in PostgreSQL']);
      assert.equal(new URL(second.dashboardUrl).hash, new URL(first.dashboardUrl).hash, 'the same demo admin key');
    } finally {
      await second.stop();
    }
  });

  it('answers 503 on /readyz while PostgreSQL is unreachable, and 200 again once it is back', async () => {
    const proxy = await startTcpProxy(`tcp://${admin.hostname}:${admin.port || 5432}`);
    const server = await startTestServer({ databaseUrl: urlWith((url) => {
      url.port = new URL(proxy.url).port;
      url.pathname = `/${database.name}`;
    }) });
    try {
      assert.equal((await api(server, '/readyz')).status, 200);
      proxy.cut(true);
      const down = await api(server, '/readyz');
      assert.equal(down.status, 503);
      assert.equal(down.json.checks[0].name, 'postgres');
      assert.equal(down.json.checks[0].ok, false);
      proxy.restore();
      assert.equal((await api(server, '/readyz')).status, 200);
    } finally {
      proxy.restore();
      await server.stop();
      await proxy.close();
    }
  });
});

describe('DATABASE_URL at startup', () => {
  it('an unreachable server (connection refused) stops startup, naming DATABASE_URL', async () => {
    await assert.rejects(
      start('postgres://postgres:secret@127.0.0.1:1/image_chat'),
      new ConfigError('DATABASE_URL: PostgreSQL is unreachable at postgres://postgres@127.0.0.1:1/image_chat (connection refused): is it running, on that host and port?'),
    );
  });

  it('an unknown database or role stops startup, naming DATABASE_URL and what is missing', async () => {
    const name = `image_chat_missing_${randomBytes(4).toString('hex')}`;
    await assert.rejects(start(urlWith((url) => (url.pathname = `/${name}`))), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`^DATABASE_URL: database "${name}" does not exist at postgres://.*/${name} \\(create it first`));
      return true;
    });
    const role = `nobody_${randomBytes(4).toString('hex')}`;
    await assert.rejects(start(urlWith((url) => (url.username = role))), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`^DATABASE_URL: PostgreSQL refused the login at postgres://${role}@.*: role "${role}" does not exist`));
      return true;
    });
  });

  it('a refused password is said as such (the machine’s PostgreSQL trusts every local login, so the code is given)', () => {
    const refused = Object.assign(new Error('password authentication failed for user "ana"'), { code: '28P01' });
    assert.deepEqual(
      startupError(refused, new URL('postgres://ana:wrong@db.example:5432/chat')),
      new ConfigError('DATABASE_URL: PostgreSQL refused the password of user "ana" at postgres://ana@db.example:5432/chat'),
    );
  });

  it('REDIS_URL without DATABASE_URL is refused by startServer as by the configuration', async () => {
    await assert.rejects(startServer({ port: 0, redisUrl: 'redis://127.0.0.1:6379' }), (err: Error) => err instanceof ConfigError && /^REDIS_URL needs DATABASE_URL/.test(err.message));
  });

  it('the command prints the message and exits 1', async () => {
    const name = `image_chat_missing_${randomBytes(4).toString('hex')}`;
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0'], { env: { ...process.env, DATABASE_URL: urlWith((url) => (url.pathname = `/${name}`)) } }, (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`^image-chat: DATABASE_URL: database "${name}" does not exist`));
  });
});
