/**
 * U+0000 in stored text (PostgreSQL text cannot hold it): refused with bad-request at the protocol layer, on both
 * backends alike — in comment text, room ids (WebSocket and HTTP) and token claims — and nothing changes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyUserToken } from '../tokens/user-token.js';
import { api, ops, signedToken, startTestServer, tenant, uuid, WsClient, type TestServer } from './helpers.js';
import { freshDatabase, type FreshDatabase } from './support/postgres.js';

const NUL = '\u0000';

const backends: Array<{ name: string; start(): Promise<{ server: TestServer; cleanup(): Promise<void> }> }> = [
  {
    name: 'SQLite',
    async start() {
      const server = await startTestServer();
      return { server, cleanup: () => server.stop() };
    },
  },
  {
    name: 'PostgreSQL',
    async start() {
      const database: FreshDatabase = await freshDatabase();
      const server = await startTestServer({ databaseUrl: database.url });
      return {
        server,
        async cleanup() {
          await server.stop();
          await database.drop();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`U+0000 (${backend.name})`, () => {
    let server: TestServer;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ server, cleanup } = await backend.start());
    });
    after(() => cleanup());

    it('is refused in comment text and room ids with bad-request, and nothing changes', async () => {
      const room = `nul-${uuid()}`;
      const client = await WsClient.connect(server);
      const marker = ops.createMarker(room, 'a marker');
      assert.equal((await client.op(marker)).type, 'ack');
      const refused = [
        ops.createMarker(room, `text with ${NUL} in it`),
        ops.addComment(room, marker.marker.id, `${NUL}`),
        ops.editComment(room, marker.marker.id, marker.comment.id, `edited ${NUL}`),
        ops.createMarker(`${room}${NUL}`, 'in a room with U+0000 in its id'),
      ];
      for (const op of refused) {
        const reply = await client.op(op);
        assert.equal(reply.type, 'error', JSON.stringify(op));
        assert.equal(reply.type === 'error' && reply.code, 'bad-request');
        assert.match(reply.type === 'error' ? reply.message : '', /must not contain the character U\+0000/);
      }
      client.send({ type: 'subscribe', room: `x${NUL}` });
      const subscribeError = await client.next('error');
      assert.equal(subscribeError.code, 'bad-request');
      const snapshot = await api(server, `/api/rooms/${encodeURIComponent(room)}/markers`);
      assert.equal(snapshot.json.seq, 1, 'nothing was written');
      assert.deepEqual(snapshot.json.markers[0].comments.map((c: { text: string }) => c.text), ['a marker']);
      const overHttp = await api(server, `/api/rooms/${encodeURIComponent(`a${NUL}b`)}/markers`);
      assert.equal(overHttp.status, 400);
      assert.match(overHttp.json.message, /room must not contain the character U\+0000/);
      const posted = await api(server, `/api/rooms/${encodeURIComponent(room)}/ops`, { method: 'POST', body: ops.addComment(room, marker.marker.id, `x${NUL}`), token: client.guestToken! });
      assert.equal(posted.status, 400);
      assert.equal(posted.json.code, 'bad-request');
      assert.equal((await client.op(ops.addComment(room, marker.marker.id, 'still works'))).type, 'ack');
      await client.close();
    });
  });
}

describe('U+0000 in token claims', () => {
  it('makes the token invalid, naming the claim', async () => {
    const acme = tenant('acme');
    const exp = Math.floor(Date.now() / 1000) + 600;
    for (const [claim, claims] of [
      ['name', { sub: 'u1', name: `Ana${NUL}`, tenant: 'acme', exp }],
      ['sub', { sub: `u${NUL}1`, name: 'Ana', tenant: 'acme', exp }],
      ['rooms.0', { sub: 'u1', name: 'Ana', tenant: 'acme', rooms: [`r${NUL}`], exp }],
    ] as const) {
      await assert.rejects(verifyUserToken(acme, await signedToken(claims, acme.secret!)), new RegExp(`token claims invalid: ${claim.replace('.', '\\.')} must not contain the character U\\+0000`));
    }
  });
});
