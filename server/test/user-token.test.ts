import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { parseTtl, runMintToken } from '../cli/mint-token.js';
import { parseTenantConfig } from '../tenants/tenant-config.js';
import { TokenError, mayUseRoom, mintUserToken, verifyUserToken } from '../tokens/user-token.js';

const tenants = parseTenantConfig(
  JSON.stringify({
    tenants: [
      { id: 'acme', secret: 'a'.repeat(40), origins: ['*'] },
      { id: 'globex', secret: 'g'.repeat(40), origins: ['*'] },
    ],
  }),
  'test',
);
const acme = tenants[0]!;
const globex = tenants[1]!;

const sign = (claims: Record<string, unknown>, secret = acme.secret!, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;
const refusedFor = (reason: TokenError['reason']) => (error: unknown) => error instanceof TokenError && error.reason === reason;

describe('user tokens', () => {
  it('verifies a minted token and grants its user and rooms', async () => {
    const token = await mintUserToken(acme, { sub: 'u1', name: 'Ana', role: 'moderator', rooms: ['home'], ttlSeconds: 60 });
    const grant = await verifyUserToken(acme, token);
    assert.deepEqual(grant.user, { id: 'u1', name: 'Ana', role: 'moderator' });
    assert.deepEqual(grant.rooms, ['home']);
    assert.equal(mayUseRoom(grant, 'home'), true);
    assert.equal(mayUseRoom(grant, 'other'), false);
    assert.equal(mayUseRoom({}, 'anything'), true);
  });

  it('refuses expired tokens as expired', async () => {
    const token = await sign({ sub: 'u1', name: 'Ana', tenant: 'acme', exp: Math.floor(Date.now() / 1000) - 10 });
    await assert.rejects(verifyUserToken(acme, token), refusedFor('expired'));
  });

  it("refuses another tenant's token, forged signatures, missing claims and other algorithms", async () => {
    const globexToken = await mintUserToken(globex, { sub: 'u1', name: 'Ana', ttlSeconds: 60 });
    await assert.rejects(verifyUserToken(acme, globexToken), refusedFor('invalid'));
    const claimsOtherTenant = await sign({ sub: 'u1', name: 'Ana', tenant: 'globex', exp: inOneHour() });
    await assert.rejects(verifyUserToken(acme, claimsOtherTenant), refusedFor('wrong-tenant'));
    await assert.rejects(verifyUserToken(acme, await sign({ sub: 'u1', name: 'Ana', tenant: 'acme', exp: inOneHour() }, 'x'.repeat(40))), refusedFor('invalid'));
    await assert.rejects(verifyUserToken(acme, await sign({ sub: 'u1', name: 'Ana', tenant: 'acme' })), refusedFor('invalid'));
    await assert.rejects(verifyUserToken(acme, await sign({ sub: 'u1', tenant: 'acme', exp: inOneHour() })), refusedFor('invalid'));
    await assert.rejects(verifyUserToken(acme, await sign({ sub: 'u1', name: 'Ana', tenant: 'acme', role: 'admin', exp: inOneHour() })), refusedFor('invalid'));
    await assert.rejects(verifyUserToken(acme, await sign({ sub: 'u1', name: 'Ana', tenant: 'acme', exp: inOneHour() }, acme.secret, 'HS512')), refusedFor('invalid'));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'u1', name: 'A', tenant: 'acme', exp: inOneHour() })).toString('base64url')}.`;
    await assert.rejects(verifyUserToken(acme, unsigned), refusedFor('invalid'));
    await assert.rejects(verifyUserToken(acme, 'garbage'), refusedFor('invalid'));
  });
});

describe('image-chat token (CLI)', () => {
  it('parses lifetimes', () => {
    assert.equal(parseTtl('90'), 90);
    assert.equal(parseTtl('15m'), 900);
    assert.equal(parseTtl('2h'), 7200);
    assert.equal(parseTtl('7d'), 604_800);
    assert.throws(() => parseTtl('soon'), /--ttl must look like/);
  });

  it('mints a token the server accepts, and explains what is missing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'image-chat-cli-')), 'tenants.json');
    writeFileSync(file, JSON.stringify({ tenants: [{ id: 'acme', secret: acme.secret, origins: ['*'] }] }));
    const capture = () => {
      let text = '';
      return { stream: { write: (chunk: string) => ((text += chunk), true) }, text: () => text };
    };
    const out = capture();
    const err = capture();
    const code = await runMintToken(['--tenant', 'acme', '--sub', 'u7', '--name', 'Bea', '--rooms', 'a, b', '--ttl', '5m', '--config', file], {}, out.stream, err.stream);
    assert.equal(code, 0, err.text());
    const grant = await verifyUserToken(acme, out.text().trim());
    assert.deepEqual(grant.user, { id: 'u7', name: 'Bea', role: 'user' });
    assert.deepEqual(grant.rooms, ['a', 'b']);

    const err2 = capture();
    assert.equal(await runMintToken(['--tenant', 'acme'], {}, capture().stream, err2.stream), 2);
    assert.match(err2.text(), /--sub and --name are required/);
    const err3 = capture();
    assert.equal(await runMintToken(['--tenant', 'nope', '--sub', 'u', '--name', 'n', '--config', file], {}, capture().stream, err3.stream), 2);
    assert.match(err3.text(), /no tenant "nope"/);
  });
});
