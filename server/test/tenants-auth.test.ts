/** Tenants and tokens on every path (SPEC §4): who gets in, where from, and which rooms they see. */
import assert from 'node:assert/strict';
import { isRoomEvent } from '../../protocol/messages.js';
import { after, before, describe, it } from 'node:test';
import { api, ops, signedToken, SseClient, startTestServer, tenant, TEST_TENANTS, userToken, uuid, WsClient, type TestServer } from './helpers.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('tenants and tokens', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer({ tenants: TEST_TENANTS })));
  after(() => server.stop());

  /** Says hello with `token` and returns the error and close code the server answered with. */
  const refusedHello = async (tenantId: string, token?: string, origin?: string) => {
    const client = await WsClient.open(server, { origin });
    client.send({ type: 'hello', protocol: 1, tenant: tenantId, ...(token ? { token } : {}) });
    const error = await client.next('error');
    return { code: error.code, close: (await client.closed).code };
  };

  it('welcomes a host-site user with the identity its token names', async () => {
    const token = await userToken('acme', { sub: 'u-ana', name: 'Ana', role: 'moderator' });
    const client = await WsClient.connect(server, { tenant: 'acme', token });
    assert.deepEqual(client.user, { id: 'u-ana', name: 'Ana', role: 'moderator' });
    await client.close();
  });

  it('refuses a tenant without guests when there is no token: 4401 on WebSocket, 401 on REST and SSE', async () => {
    assert.deepEqual(await refusedHello('acme'), { code: 'unauthorized', close: 4401 });
    assert.equal((await api(server, '/api/rooms/r/markers?tenant=acme')).status, 401);
    const post = await api(server, '/api/rooms/r/ops?tenant=acme', { body: ops.createMarker('r') });
    assert.deepEqual([post.status, post.json.code], [401, 'unauthorized']);
    const sse = await SseClient.open(`${server.url}/api/events?tenant=acme&sub=r`);
    assert.equal(sse.status, 401);
    sse.close();
    assert.equal((await api(server, '/api/guest?tenant=acme', { method: 'POST' })).status, 403);
  });

  it('refuses expired, forged, other-tenant and guest tokens with 4401 / 401 unauthorized', async () => {
    const acmeSecret = tenant('acme').secret!;
    const bad = {
      expired: await signedToken({ sub: 'u', name: 'U', tenant: 'acme', exp: nowSeconds() - 5 }, acmeSecret),
      forged: await signedToken({ sub: 'u', name: 'U', tenant: 'acme', exp: nowSeconds() + 3600 }, 'not-the-secret-'.padEnd(40, 'x')),
      'other tenant': await userToken('globex', { sub: 'u' }),
      'claims for another tenant': await signedToken({ sub: 'u', name: 'U', tenant: 'globex', exp: nowSeconds() + 3600 }, acmeSecret),
      'a guest token': (await api(server, '/api/guest', { method: 'POST' })).json.token as string,
      garbage: 'a.b.c',
    };
    for (const [what, token] of Object.entries(bad)) {
      assert.deepEqual(await refusedHello('acme', token), { code: 'unauthorized', close: 4401 }, what);
      const rest = await api(server, '/api/rooms/r/markers?tenant=acme', { token });
      assert.deepEqual([rest.status, rest.json.code], [401, 'unauthorized'], what);
      const sse = await SseClient.open(`${server.url}/api/events?tenant=acme&sub=r&token=${encodeURIComponent(token)}`);
      assert.equal(sse.status, 401, what);
      sse.close();
    }
  });

  it('keeps tenants apart: the same room name holds different conversations, and ops cannot reach across', async () => {
    const room = `shared-${uuid()}`;
    const ana = await WsClient.connect(server, { tenant: 'acme', token: await userToken('acme', { sub: 'ana', role: 'moderator' }) });
    const gus = await WsClient.connect(server, { tenant: 'globex', token: await userToken('globex', { sub: 'gus', role: 'moderator' }) });
    const create = ops.createMarker(room);
    assert.equal((await ana.op(create)).type, 'ack');
    const globexView = await gus.subscribe(room);
    assert.ok(globexView.type === 'snapshot' && globexView.markers.length === 0 && globexView.seq === 0);
    // Even a moderator of another tenant finds nothing to act on.
    const reply = await gus.op(ops.deleteMarker(room, create.marker.id));
    assert.equal(reply.type === 'error' && reply.code, 'not-found');
    const rest = await api(server, `/api/rooms/${room}/markers?tenant=globex`, { token: await userToken('globex', { sub: 'gus' }) });
    assert.deepEqual([rest.status, rest.json.markers], [200, []]);
    await Promise.all([ana.close(), gus.close()]);
  });

  it("keeps a token to its rooms on WebSocket (subscribe and ops), REST and SSE", async () => {
    const token = await userToken('acme', { sub: 'ria', rooms: ['allowed'] });
    const client = await WsClient.connect(server, { tenant: 'acme', token });
    client.send({ type: 'subscribe', room: 'elsewhere' });
    const refused = await client.next('error');
    assert.deepEqual([refused.code, refused.room], ['forbidden', 'elsewhere']);
    for (const op of [ops.createMarker('elsewhere'), ops.addComment('elsewhere', uuid()), ops.deleteMarker('elsewhere', uuid())]) {
      const reply = await client.op(op);
      assert.equal(reply.type === 'error' && reply.code, 'forbidden', op.type);
    }
    assert.equal((await client.subscribe('allowed')).type, 'snapshot', 'the connection stays, and its own room works');
    assert.equal((await client.op(ops.createMarker('allowed'))).type, 'ack');
    await client.close();

    assert.equal((await api(server, '/api/rooms/elsewhere/markers?tenant=acme', { token })).status, 403);
    assert.equal((await api(server, '/api/rooms/elsewhere/ops?tenant=acme', { token, body: ops.createMarker('elsewhere') })).status, 403);
    assert.equal((await api(server, '/api/rooms/allowed/markers?tenant=acme', { token })).status, 200);
    const refusedSse = await SseClient.open(`${server.url}/api/events?tenant=acme&sub=allowed&sub=elsewhere&token=${token}`);
    assert.equal(refusedSse.status, 403);
    refusedSse.close();
    const sse = await SseClient.open(`${server.url}/api/rooms/allowed/events?tenant=acme`, { Authorization: `Bearer ${token}` });
    assert.equal(sse.status, 200);
    assert.equal((await sse.next('snapshot')).data.room, 'allowed');
    sse.close();
  });

  it('checks Origin against the tenant: WebSocket hello (4403), REST, SSE and preflights (403)', async () => {
    const token = await userToken('acme', { sub: 'oz' });
    assert.deepEqual(await refusedHello('acme', token, 'https://evil.example'), { code: 'forbidden', close: 4403 });
    assert.deepEqual(await refusedHello('open', undefined, 'https://acme.example'), { code: 'forbidden', close: 4403 });
    const fromAcme = await WsClient.connect(server, { tenant: 'acme', token }, { origin: 'https://acme.example' });
    await fromAcme.close();
    const anyOrigin = await WsClient.connect(server, { tenant: 'demo' }, { origin: 'https://anything.example' });
    await anyOrigin.close();

    const evil = { Origin: 'https://evil.example' };
    const rest = await api(server, '/api/rooms/r/markers?tenant=acme', { token, headers: evil });
    assert.deepEqual([rest.status, rest.headers.get('access-control-allow-origin')], [403, null]);
    const preflight = await api(server, '/api/rooms/r/ops?tenant=acme', { method: 'OPTIONS', headers: { ...evil, 'Access-Control-Request-Method': 'POST' } });
    assert.equal(preflight.status, 403);
    const sse = await SseClient.open(`${server.url}/api/events?tenant=acme&sub=r&token=${token}`, evil);
    assert.equal(sse.status, 403);
    sse.close();

    const good = await api(server, '/api/rooms/r/ops?tenant=acme', { method: 'OPTIONS', headers: { Origin: 'https://acme.example', 'Access-Control-Request-Method': 'POST' } });
    assert.deepEqual([good.status, good.headers.get('access-control-allow-origin')], [204, 'https://acme.example']);
    const demo = await api(server, '/api/rooms/r/markers?tenant=demo', { headers: { Origin: 'https://anything.example' } });
    assert.deepEqual([demo.status, demo.headers.get('access-control-allow-origin')], [200, 'https://anything.example']);
  });

  it('applies a fresh token in place (auth): subscriptions stay; rooms the new token does not list are dropped', async () => {
    const client = await WsClient.connect(server, { tenant: 'acme', token: await userToken('acme', { sub: 'ada' }) });
    await client.subscribe('keep');
    await client.subscribe('drop');
    client.send({ type: 'auth', token: await userToken('acme', { sub: 'ada', name: 'Ada L', rooms: ['keep'] }) });
    const dropped = await client.next('error');
    assert.deepEqual([dropped.code, dropped.room], ['forbidden', 'drop']);
    assert.equal((await client.next('welcome')).user.name, 'Ada L');
    const writer = await WsClient.connect(server, { tenant: 'acme', token: await userToken('acme', { sub: 'w' }) });
    assert.equal((await writer.op(ops.createMarker('drop'))).type, 'ack');
    assert.equal((await writer.op(ops.createMarker('keep'))).type, 'ack');
    assert.equal((await client.event('keep')).type, 'new-image-chat');
    assert.deepEqual(client.received().filter((m) => isRoomEvent(m) && m.room === 'drop'), [], 'no events from the dropped room');
    client.send({ type: 'auth', token: 'garbage' });
    assert.equal((await client.closed).code, 4401);
    await writer.close();
  });

  it('closes a connection with 4401 (and ends an SSE stream) when its token expires, unless a fresh auth came first', async () => {
    const shortLived = () => signedToken({ sub: 'eve', name: 'Eve', tenant: 'acme', exp: nowSeconds() + 2 }, tenant('acme').secret!);
    const expiring = await WsClient.connect(server, { tenant: 'acme', token: await shortLived() });
    const { get } = await import('node:http');
    const streamEnded = new Promise<void>((resolve, reject) => {
      void shortLived().then((token) =>
        get(`${server.url}/api/events?tenant=acme&sub=r&token=${token}`, (res) => {
          assert.equal(res.statusCode, 200);
          res.resume();
          res.on('end', resolve);
        }).on('error', reject),
      );
    });
    const renewed = await WsClient.connect(server, { tenant: 'acme', token: await shortLived() });
    renewed.send({ type: 'auth', token: await userToken('acme', { sub: 'eve', name: 'Eve' }) });
    await renewed.next('welcome');
    const closed = await expiring.closed;
    assert.equal(closed.code, 4401);
    await streamEnded; // an SSE stream ends with its token too
    // By now the renewed connection's first token has expired too: it is still served.
    assert.equal((await renewed.op(ops.createMarker(`r-${uuid()}`))).type, 'ack');
    await renewed.close();
  });

  it('holds the rights of SPEC §2 for every op: author yes, another user no, moderator yes', async () => {
    const room = `rights-${uuid()}`;
    const connect = async (sub: string, role?: 'moderator') => WsClient.connect(server, { tenant: 'acme', token: await userToken('acme', { sub, role }) });
    const [author, other, moderator] = await Promise.all([connect('author'), connect('other'), connect('mod', 'moderator')]);
    /** A fresh marker (two comments, so deleting one leaves the marker) by the author. */
    const fresh = async () => {
      const create = ops.createMarker(room);
      assert.equal((await author.op(create)).type, 'ack');
      const reply = ops.addComment(room, create.marker.id);
      assert.equal((await author.op(reply)).type, 'ack');
      return { markerId: create.marker.id, commentId: reply.comment.id };
    };
    const needsOwnership = {
      'edit-comment': (m: { markerId: string; commentId: string }) => ops.editComment(room, m.markerId, m.commentId, 'edited'),
      'delete-comment': (m: { markerId: string; commentId: string }) => ops.deleteComment(room, m.markerId, m.commentId),
      'move-marker': (m: { markerId: string }) => ops.moveMarker(room, m.markerId, 5, 5),
      'delete-marker': (m: { markerId: string }) => ops.deleteMarker(room, m.markerId),
    };
    for (const [type, make] of Object.entries(needsOwnership)) {
      const target = await fresh();
      const refused = await other.op(make(target));
      assert.equal(refused.type === 'error' && refused.code, 'forbidden', `${type} by another user`);
      assert.equal((await author.op(make(target))).type, 'ack', `${type} by its author`);
      assert.equal((await moderator.op(make(await fresh()))).type, 'ack', `${type} by a moderator`);
    }
    // Anyone allowed in the room may create markers, reply, and resolve or reopen any marker.
    const target = await fresh();
    assert.equal((await other.op(ops.addComment(room, target.markerId))).type, 'ack', 'add-comment by another user');
    assert.equal((await other.op(ops.resolveMarker(room, target.markerId, true))).type, 'ack', 'resolve-marker by another user');
    assert.equal((await other.op(ops.resolveMarker(room, target.markerId, false))).type, 'ack', 'reopen by another user');
    assert.equal((await other.op(ops.createMarker(room))).type, 'ack', 'create-marker by another user');
    await Promise.all([author.close(), other.close(), moderator.close()]);
  });
});

describe('guest tokens', () => {
  const welcomeFor = async (server: TestServer, token: string) => {
    const client = await WsClient.open(server);
    client.send({ type: 'hello', protocol: 1, tenant: 'demo', token });
    const welcome = await client.next('welcome');
    await client.close();
    return welcome;
  };

  it('are renewed by the server: an old one gets a fresh token for the same guest in welcome', async () => {
    const server = await startTestServer({ limits: { guestRenewAfterMs: 1 } });
    const first = await WsClient.connect(server);
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const renewed = await welcomeFor(server, first.guestToken!);
    assert.equal(renewed.user.id, first.user.id);
    assert.ok(renewed.guestToken, 'welcome carries a fresh token');
    assert.equal((await welcomeFor(server, renewed.guestToken)).user.id, first.user.id, 'which names the same guest');
    await server.stop();
  });

  it('are not renewed while young', async () => {
    const server = await startTestServer();
    const first = await WsClient.connect(server);
    await first.close();
    assert.equal((await welcomeFor(server, first.guestToken!)).guestToken, undefined);
    await server.stop();
  });
});
