/**
 * The fuzz suite: thousands of generated invalid or unauthorised inputs over WebSocket, SSE and REST (generators in
 * fuzz/), while a well-behaved client keeps making changes and receiving its events. Afterwards the server must be
 * alive, the well-behaved client must have been served throughout, the database must be unchanged outside the
 * well-behaved client's room, and Object.prototype unpolluted.
 *
 * Seeded: the seed is printed (test diagnostic) and every failure names it with the input's kind;
 * `FUZZ_SEED=<n> npm run test:server` replays a run, `FUZZ_COUNT=<n>` changes the number of frame inputs.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { ServerMessage } from '../../protocol/messages.js';
import { hostileInputs, type HostileInput } from './fuzz/hostile-inputs.js';
import { hostileRequests, hostileSessions, type HostileRequest, type HostileSession, type RequestTarget } from './fuzz/hostile-requests.js';
import { Random } from './fuzz/random.js';
import { api, ops, signedToken, startTestServer, tenant, TEST_TENANTS, userToken, uuid, WsClient, type TestServer } from './helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FRAME_COUNT = Number(process.env.FUZZ_COUNT ?? 8000);
const REQUEST_COUNT = Math.ceil(FRAME_COUNT / 4);
const SESSION_COUNT = Math.ceil(FRAME_COUNT / 16);
// Frames sent before waiting for the server to answer them all: enough to keep the pipe full, small enough that
// a failure is found near its cause.
const PIPELINE = 250;

const TENANT = 'acme';
const TARGET_ROOM = 'fuzz-target';
const CONTROL_ROOM = 'fuzz-control';

/** The database outside the well-behaved client's room, as comparable text. */
function databaseState(dataDir: string): string {
  const db = new Database(join(dataDir, 'image-chat.db'), { readonly: true });
  try {
    const outside = `NOT (tenant = '${TENANT}' AND room = '${CONTROL_ROOM}')`;
    const tables = {
      rooms: `SELECT * FROM rooms WHERE ${outside} ORDER BY tenant, room`,
      markers: `SELECT * FROM markers WHERE ${outside} ORDER BY rowid`,
      comments: `SELECT * FROM comments WHERE ${outside} ORDER BY rowid`,
      events: `SELECT * FROM events WHERE ${outside} ORDER BY tenant, room, seq`,
      idempotency: `SELECT tenant, broadcast_id, room, seq FROM idempotency WHERE ${outside} ORDER BY tenant, broadcast_id`,
      meta: 'SELECT * FROM meta ORDER BY key',
    };
    return JSON.stringify(Object.fromEntries(Object.entries(tables).map(([name, sql]) => [name, db.prepare(sql).all()])));
  } finally {
    db.close();
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Sends one request; a 200 event stream is read up to its first event and then dropped. */
function send(server: TestServer, request: HostileRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(server.url + request.path, { method: request.method, headers: request.headers, agent }, (res) => {
      const status = res.statusCode ?? 0;
      if (status === 200 && String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.once('data', () => {
          req.destroy();
          resolve(status);
        });
        return;
      }
      res.resume();
      res.on('end', () => resolve(status));
      res.on('error', () => resolve(status));
    });
    req.on('error', (err) => reject(new Error(`${request.kind}: ${err.message}`)));
    req.end(request.body);
  });
}

/** Runs one hostile session on its own socket; resolves with the close code (and whether it was ever welcomed). */
async function runSession(server: TestServer, session: HostileSession): Promise<{ code: number; welcomed: boolean }> {
  const client = await WsClient.open(server, { origin: session.origin });
  let welcomed = false;
  client.ws.on('message', (data) => {
    if ((JSON.parse(data.toString()) as ServerMessage).type === 'welcome') {
      welcomed = true;
      if (session.then !== undefined) client.ws.send(session.then, { binary: Buffer.isBuffer(session.then) });
    }
  });
  client.ws.send(session.hello);
  return { code: (await client.closed).code, welcomed };
}

/** Runs `task` over `items` with at most `concurrency` at once. */
async function pool<T>(items: Iterable<T>, concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) await task(next.value);
    }),
  );
}

describe(`fuzz (FUZZ_SEED=${SEED})`, () => {
  let server: TestServer;
  let target: RequestTarget;
  const because = (kind: string) => `FUZZ_SEED=${SEED}: input "${kind}"`;

  before(async () => {
    server = await startTestServer({
      tenants: TEST_TENANTS,
      // The abuse limits would cut the fuzzer off after a few dozen inputs (they are tested on their own): lift
      // them so that every input reaches the code it aims at, and so that the well-behaved client — on the same
      // address — is not throttled along with the fuzzer.
      limits: { maxBadFramesPerInterval: 1_000_000, opBurst: 1_000_000, ipOpBurst: 1_000_000, maxConnectionsPerIp: 10_000 },
    });
    const owner = await WsClient.connect(server, { tenant: TENANT, token: await userToken(TENANT, { sub: 'owner' }) });
    const create = ops.createMarker(TARGET_ROOM, 'the owner’s marker');
    assert.equal((await owner.op(create)).type, 'ack');
    await owner.close();
    const secret = tenant(TENANT).secret!;
    const now = Math.floor(Date.now() / 1000);
    target = {
      tenant: TENANT,
      room: TARGET_ROOM,
      deniedRoom: 'fuzz-denied',
      foreignMarkerId: create.marker.id,
      foreignCommentId: create.comment.id,
      token: await userToken(TENANT, { sub: 'fuzzer', rooms: [TARGET_ROOM] }),
      badOrigin: 'https://evil.example',
      badTokens: [
        await signedToken({ sub: 'fuzzer', name: 'F', tenant: TENANT, exp: now - 60 }, secret),
        await signedToken({ sub: 'fuzzer', name: 'F', tenant: TENANT, role: 'moderator', exp: now + 3600 }, 'forged-'.padEnd(40, 'f')),
        await signedToken({ sub: 'fuzzer', name: 'F', tenant: 'globex', role: 'moderator', exp: now + 3600 }, secret),
        await userToken('globex', { sub: 'fuzzer', role: 'moderator' }),
        await signedToken({ sub: 'fuzzer', name: 'F', tenant: TENANT, rooms: 'all', exp: now + 3600 }, secret),
        (await api(server, '/api/guest', { method: 'POST' })).json.token,
        'garbage',
        'e30.e30.',
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', name: 'x', tenant: TENANT, role: 'moderator', exp: now + 3600 })).toString('base64url')}.`,
      ],
    };
  });
  after(async () => {
    agent.destroy();
    await server.stop();
  });

  it('refuses every hostile input, keeps serving others, and changes nothing', { timeout: 180_000 }, async (t) => {
    t.diagnostic(`FUZZ_SEED=${SEED} (replay with FUZZ_SEED=${SEED} FUZZ_COUNT=${FRAME_COUNT})`);
    const random = new Random(SEED);
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const databaseBefore = databaseState(server.dataDir);
    const started = performance.now();

    // The well-behaved client: changes its own room and sees every change come back, for as long as fuzzing lasts.
    const goodWriter = await WsClient.connect(server, { tenant: TENANT, token: await userToken(TENANT, { sub: 'good' }) });
    const goodReader = await WsClient.connect(server, { tenant: TENANT, token: await userToken(TENANT, { sub: 'reader' }) });
    await goodReader.subscribe(CONTROL_ROOM);
    let fuzzing = true;
    let served = 0;
    const wellBehaved = (async () => {
      while (fuzzing) {
        // Create, then delete: the room never fills up however long the fuzzing takes.
        const create = ops.createMarker(CONTROL_ROOM, `change ${served}`);
        for (const op of [create, ops.deleteMarker(CONTROL_ROOM, create.marker.id)]) {
          const reply = await goodWriter.op(op);
          assert.equal(reply.type, 'ack', `FUZZ_SEED=${SEED}: the well-behaved client's op was refused: ${JSON.stringify(reply)}`);
          const event = await goodReader.event(CONTROL_ROOM, 10_000);
          assert.equal(event.broadcastId, op.broadcastId);
          served++;
        }
        // A user's pace, not a flood: the point is that it is served throughout, not to compete for the CPU.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    let frames: HostileInput[] = [];
    let framesDone = 0;
    let sessionsDone = 0;
    let sessions: HostileSession[] = [];
    let requests: HostileRequest[] = [];
    try {
      // 1. Frames over one WebSocket, pipelined; each answered by exactly one error. Ops that pass validation are
      // refused inside the commit, so their errors may come after a later frame's (replies are matched by
      // broadcastId, not by order): the sentinel is such an op, answered after every op before it (commits are
      // first in, first out) and so after the whole chunk.
      const fuzzer = await WsClient.connect(server, { tenant: TENANT, token: target.token });
      frames = [...hostileInputs(random, target, FRAME_COUNT, (name) => name !== 'random bytes as binary' && name !== 'huge')];
      for (let start = 0; start < frames.length; start += PIPELINE) {
        const chunk = frames.slice(start, start + PIPELINE);
        for (const input of chunk) fuzzer.send(input.payload);
        const sentinel = ops.resolveMarker(TARGET_ROOM, uuid(), true); // not-found, decided in the commit
        fuzzer.send(sentinel);
        await fuzzer.next((m) => m.type === 'error' && m.broadcastId === sentinel.broadcastId, 30_000);
        const replies = fuzzer.received().filter((m) => m.type !== 'ping');
        assert.equal(replies.length, chunk.length, `FUZZ_SEED=${SEED}: ${replies.length} replies to ${chunk.length} frames from ${start}`);
        for (const reply of replies) assert.equal(reply.type, 'error', `FUZZ_SEED=${SEED}: a hostile frame from ${start} got ${JSON.stringify(reply).slice(0, 200)}`);
      }
      await fuzzer.close();

      framesDone = performance.now();
      // 2. Sessions that must end in a refusal close: bad hellos, tokens, origins, binary and oversized frames.
      sessions = [...hostileSessions(random, target, SESSION_COUNT)];
      await pool(sessions, 8, async (session) => {
        const { code, welcomed } = await runSession(server, session);
        assert.ok(session.closeCodes.includes(code), `${because(session.kind)} closed with ${code}, expected ${session.closeCodes.join('/')}`);
        if (session.then === undefined) assert.equal(welcomed, false, `${because(session.kind)} was welcomed`);
      });

      sessionsDone = performance.now();
      // 3. REST and SSE requests.
      requests = [...hostileRequests(random, target, REQUEST_COUNT)];
      await pool(requests, 8, async (request) => {
        const status = await send(server, request);
        if (request.expect === 'refused') assert.ok(status >= 400 && status < 500, `${because(request.kind)} got HTTP ${status}`);
        else assert.ok(status === 200 || (status >= 400 && status < 500), `${because(request.kind)} got HTTP ${status}`);
      });

      t.diagnostic(`frames ${Math.round(framesDone - started)} ms, sessions ${Math.round(sessionsDone - framesDone)} ms, HTTP ${Math.round(performance.now() - sessionsDone)} ms`);
    } finally {
      fuzzing = false;
    }
    await wellBehaved;
    const total = frames.length + sessions.length + requests.length;
    t.diagnostic(`${total} hostile inputs (${frames.length} frames, ${sessions.length} sessions, ${requests.length} HTTP) in ${Math.round(performance.now() - started)} ms; the well-behaved client made ${served} changes meanwhile`);
    assert.ok(total >= 10_000 || process.env.FUZZ_COUNT, `only ${total} inputs`);
    assert.ok(served > 0, 'the well-behaved client was served');

    // Alive, unchanged, unpolluted.
    assert.deepEqual((await api(server, '/healthz')).json, { ok: true });
    const late = await WsClient.connect(server, { tenant: TENANT, token: await userToken(TENANT, { sub: 'late' }) });
    const snapshot = await late.subscribe(TARGET_ROOM);
    assert.ok(snapshot.type === 'snapshot' && snapshot.seq === 1 && snapshot.markers.length === 1);
    await Promise.all([late.close(), goodWriter.close(), goodReader.close()]);
    assert.equal(databaseState(server.dataDir), databaseBefore, `FUZZ_SEED=${SEED}: the database changed`);
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore);
    for (const key of ['polluted', 'role', 'isAdmin', 'x']) assert.equal(({} as Record<string, unknown>)[key], undefined, `Object.prototype.${key}`);
  });
});
