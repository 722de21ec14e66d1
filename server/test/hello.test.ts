import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, WsClient, type TestServer } from './helpers.js';

describe('hello', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server.stop());

  it('welcomes a new guest with a guest token', async () => {
    const client = await WsClient.connect(server);
    assert.match(client.user.id, /^guest:[0-9a-f-]{36}$/);
    assert.match(client.user.name, /^Guest \w+$/);
    assert.equal(client.user.role, 'user');
    assert.ok(client.guestToken);
    await client.close();
  });

  it('gives the same user back for the same token on reconnect', async () => {
    const first = await WsClient.connect(server);
    await first.close();
    const second = await WsClient.connect(server, { token: first.guestToken });
    assert.deepEqual(second.user, first.user);
    await second.close();
  });

  it('closes with 4408 when no hello comes in time', async () => {
    // A server of its own: a short hello window would race the other tests' hellos on a busy machine.
    const impatient = await startTestServer({ limits: { helloTimeoutMs: 100 } });
    const client = await WsClient.open(impatient);
    assert.equal((await client.closed).code, 4408);
    await impatient.stop();
  });

  it('refuses another protocol version with bad-request', async () => {
    const client = await WsClient.open(server);
    client.send({ type: 'hello', protocol: 2, tenant: 'demo' });
    assert.equal((await client.next('error')).code, 'bad-request');
    assert.equal((await client.closed).code, 1002);
  });

  it('refuses an unknown tenant with 4403', async () => {
    const client = await WsClient.open(server);
    client.send({ type: 'hello', protocol: 1, tenant: 'acme' });
    assert.equal((await client.next('error')).code, 'forbidden');
    assert.equal((await client.closed).code, 4403);
  });

  it('closes with 4401 on an invalid token', async () => {
    const client = await WsClient.open(server);
    client.send({ type: 'hello', protocol: 1, tenant: 'demo', token: 'not-a-token' });
    assert.equal((await client.next('error')).code, 'unauthorized');
    assert.equal((await client.closed).code, 4401);
  });

  it('answers messages before hello with bad-request and stays open', async () => {
    const client = await WsClient.open(server);
    client.send({ type: 'subscribe', room: 'r' });
    assert.equal((await client.next('error')).code, 'bad-request');
    client.send({ type: 'hello', protocol: 1, tenant: 'demo' });
    await client.next('welcome');
    await client.close();
  });

  it('replaces the user in place on auth, keeping subscriptions', async () => {
    const other = await WsClient.connect(server);
    const client = await WsClient.connect(server);
    await client.subscribe('auth-room');
    client.send({ type: 'auth', token: other.guestToken });
    const welcome = await client.next('welcome');
    assert.equal(welcome.user.id, other.user.id);
    // Still subscribed: an op by anyone reaches it.
    const op = { type: 'create-marker', room: 'auth-room', broadcastId: crypto.randomUUID(), marker: { id: crypto.randomUUID(), x: 1, y: 1 }, comment: { id: crypto.randomUUID(), text: 'hi' } } as const;
    assert.equal((await other.op(op)).type, 'ack');
    const event = await client.event('auth-room');
    assert.equal(event.type, 'new-image-chat');
    await Promise.all([client.close(), other.close()]);
  });

  it('closes with 4401 on auth with an invalid token', async () => {
    const client = await WsClient.connect(server);
    client.send({ type: 'auth', token: 'garbage' });
    assert.equal((await client.closed).code, 4401);
  });

  it('sends ping messages at the ping interval', async () => {
    const quick = await startTestServer({ limits: { pingIntervalMs: 250 } });
    const client = await WsClient.connect(quick);
    assert.deepEqual(await client.next('ping'), { type: 'ping' });
    await client.close();
    await quick.stop();
  });
});
