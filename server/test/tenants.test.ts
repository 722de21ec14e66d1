import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOriginAllowed } from '../tenants/origins.js';
import { ConfigError, DEMO_TENANT, loadTenants, parseServerConfig, parseTenantConfig } from '../tenants/tenant-config.js';

const SECRET = 's'.repeat(40);
const parse = (value: unknown) => parseTenantConfig(JSON.stringify(value), 'tenants.json');

describe('tenant configuration', () => {
  it('runs the demo tenant with guests from any origin when there is no file', () => {
    assert.deepEqual(loadTenants(undefined), [DEMO_TENANT]);
    assert.equal(DEMO_TENANT.guests, true);
    assert.deepEqual(DEMO_TENANT.origins, ['*']);
  });

  it('reads tenants from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-chat-config-'));
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify({ tenants: [{ id: 'acme', secret: SECRET, origins: ['https://Acme.example/'], adminKey: 'k'.repeat(20) }] }));
    const [acme] = loadTenants(file);
    assert.equal(acme!.id, 'acme');
    assert.equal(acme!.guests, false);
    assert.deepEqual(acme!.origins, ['https://acme.example']);
  });

  const refusals: [string, unknown, RegExp][] = [
    ['a short secret', { tenants: [{ id: 'a', secret: 'short', origins: ['*'] }] }, /tenants\[0\]\.secret must be at least 32/],
    ['no way in', { tenants: [{ id: 'a', origins: ['*'] }] }, /tenants\[0\]\.secret needs a "secret"/],
    ['an origin with a path', { tenants: [{ id: 'a', guests: true, origins: ['https://a.example/app'] }] }, /tenants\[0\]\.origins\[0\] must be "\*" or an origin/],
    ['an unknown field', { tenants: [{ id: 'a', guests: true, origins: ['*'], secrett: SECRET }] }, /tenants\[0\]/],
    ['duplicate ids', { tenants: [{ id: 'a', guests: true, origins: ['*'] }, { id: 'a', guests: true, origins: ['*'] }] }, /same id/],
    ['no tenants', { tenants: [] }, /tenants must list at least one tenant/],
    ['a bad id', { tenants: [{ id: '../x', guests: true, origins: ['*'] }] }, /tenants\[0\]\.id must be letters/],
  ];
  for (const [what, config, message] of refusals) {
    it(`refuses ${what}, naming the field`, () => {
      assert.throws(() => parse(config), (error: Error) => error instanceof ConfigError && message.test(error.message) && error.message.startsWith('tenants.json: '));
    });
  }

  it('reads server-wide limits and trustProxy from the file, refusing unknown or non-positive limits by name', () => {
    const config = parseServerConfig(JSON.stringify({ trustProxy: true, limits: { maxRoomsPerTenant: 10 }, tenants: [{ id: 'a', guests: true, origins: ['*'] }] }), 'tenants.json');
    assert.deepEqual([config.trustProxy, config.limits], [true, { maxRoomsPerTenant: 10 }]);
    assert.throws(() => parse({ limits: { maxRooms: 10 }, tenants: [{ id: 'a', guests: true, origins: ['*'] }] }), /tenants\.json: limits/);
    assert.throws(() => parse({ limits: { opBurst: 0 }, tenants: [{ id: 'a', guests: true, origins: ['*'] }] }), /tenants\.json: limits\.opBurst/);
  });

  it('refuses a file that is not JSON, or missing, saying which file', () => {
    assert.throws(() => parseTenantConfig('{', 'x.json'), /x\.json: not valid JSON/);
    assert.throws(() => loadTenants('/nonexistent/tenants.json'), /IMAGE_CHAT_CONFIG: cannot read \/nonexistent\/tenants\.json \(ENOENT\)/);
  });
});

describe('isOriginAllowed', () => {
  const [acme] = parse({ tenants: [{ id: 'acme', secret: SECRET, origins: ['https://acme.example', 'http://localhost:3000'] }] });
  it('allows listed origins, case-insensitively, and requests without an Origin', () => {
    assert.equal(isOriginAllowed(acme!, 'https://acme.example'), true);
    assert.equal(isOriginAllowed(acme!, 'HTTPS://ACME.EXAMPLE'), true);
    assert.equal(isOriginAllowed(acme!, 'http://localhost:3000'), true);
    assert.equal(isOriginAllowed(acme!, undefined), true);
  });
  it('refuses other origins, look-alikes included', () => {
    assert.equal(isOriginAllowed(acme!, 'https://evil.example'), false);
    assert.equal(isOriginAllowed(acme!, 'https://acme.example.evil.example'), false);
    assert.equal(isOriginAllowed(acme!, 'http://acme.example'), false);
    assert.equal(isOriginAllowed(acme!, 'null'), false);
  });
  it('allows every origin for "*"', () => {
    assert.equal(isOriginAllowed(DEMO_TENANT, 'https://anything.example'), true);
  });
});
