// The retarget decision (controllers/retarget.ts): what a change of an element's server, tenant, token or room asks
// of its room controller (SPEC §1). Kept in src/core/ so that `npm run test:unit` runs it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { retarget, type RoomTarget } from '../controllers/retarget.js';

const at = (patch: Partial<RoomTarget> = {}): RoomTarget => ({ server: 'https://chat.test', tenant: 'demo', room: 'r', ...patch });
const plan = (reauthenticate: boolean, keepConnection: boolean, resubscribe: boolean) => ({ reauthenticate, keepConnection, resubscribe });

describe('retarget', () => {
  it('starts a room (on a new connection) when there was none, and lets go when there is none', () => {
    assert.deepEqual(retarget(undefined, at(), false), plan(false, false, true));
    assert.deepEqual(retarget(at(), at(), false), plan(false, false, true));
    assert.deepEqual(retarget(at(), undefined, true), plan(false, false, false));
  });

  it('does nothing when nothing that matters changed (the transport is read once)', () => {
    assert.deepEqual(retarget(at({ token: 't' }), at({ token: 't', transport: 'sse' }), true), plan(false, true, false));
  });

  it('re-subscribes on the same connection for another room', () => {
    assert.deepEqual(retarget(at(), at({ room: 's' }), true), plan(false, true, true));
  });

  it('re-authenticates in place for a new token, re-subscribing only if the room changed too', () => {
    assert.deepEqual(retarget(at(), at({ token: 't' }), true), plan(true, true, false));
    assert.deepEqual(retarget(at({ token: 't' }), at({ token: 'u' }), true), plan(true, true, false));
    assert.deepEqual(retarget(at({ token: 't' }), at({ token: 'u', room: 's' }), true), plan(true, true, true));
  });

  it('needs another connection for another server or tenant, or when the token is taken away', () => {
    assert.deepEqual(retarget(at(), at({ server: 'https://other.test' }), true), plan(false, false, true));
    assert.deepEqual(retarget(at(), at({ tenant: 'acme' }), true), plan(false, false, true));
    assert.deepEqual(retarget(at({ token: 't' }), at(), true), plan(false, false, true));
  });
});
