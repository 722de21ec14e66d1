import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../config.js';

describe('configuration', () => {
  it('has defaults', () => {
    assert.deepEqual(loadConfig([], {}), {
      port: 8080,
      host: undefined,
      dataDir: './data',
      configFile: undefined,
      databaseUrl: undefined,
      redisUrl: undefined,
      tlsCert: undefined,
      tlsKey: undefined,
      trustProxy: undefined,
    });
  });

  it('reads the environment; flags (both forms) win', () => {
    const config = loadConfig(['--port', '9000', '--data-dir=/tmp/x'], { PORT: '8000', HOST: '127.0.0.1', DATA_DIR: '/var/lib/ic' });
    assert.deepEqual([config.port, config.host, config.dataDir], [9000, '127.0.0.1', '/tmp/x']);
  });

  it('names the setting and the rule on a bad value', () => {
    assert.throws(() => loadConfig([], { PORT: 'abc' }), new ConfigError('PORT must be an integer from 0 to 65535, got "abc"'));
    assert.throws(() => loadConfig(['--port=70000'], {}), /PORT must be an integer from 0 to 65535/);
    assert.throws(() => loadConfig(['--prot', '1'], {}), /unknown argument "--prot"/);
    assert.throws(() => loadConfig(['--port'], {}), /--port needs a value/);
  });

  it('takes DATABASE_URL (a postgres:// URL naming a database), and REDIS_URL only with it', () => {
    const config = loadConfig(['--redis-url=redis://r:6379'], { DATABASE_URL: 'postgresql://ana:secret@db.example:5433/chat' });
    assert.deepEqual([config.databaseUrl, config.redisUrl], ['postgresql://ana:secret@db.example:5433/chat', 'redis://r:6379']);
    assert.throws(() => loadConfig([], { DATABASE_URL: 'not a url' }), /DATABASE_URL must be a PostgreSQL URL such as postgres:/);
    assert.throws(() => loadConfig(['--database-url', 'mysql://ana:secret@db/chat'], {}), new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL, got a mysql:// one'));
    assert.throws(
      () => loadConfig([], { DATABASE_URL: 'postgres://ana:secret@db.example' }),
      new ConfigError('DATABASE_URL must name a database (postgres://host/database), got postgres://ana@db.example'),
      'the password is never shown',
    );
    assert.throws(() => loadConfig(['--redis-url=redis://x'], {}), /REDIS_URL needs DATABASE_URL/);
  });

  it('takes the tenants file, TLS files (both or neither) and trustProxy', () => {
    const config = loadConfig(['--config', 'tenants.json', '--tls-cert=c.pem', '--tls-key=k.pem', '--trust-proxy', 'true'], {});
    assert.deepEqual([config.configFile, config.tlsCert, config.tlsKey, config.trustProxy], ['tenants.json', 'c.pem', 'k.pem', true]);
    assert.equal(loadConfig([], { IMAGE_CHAT_CONFIG: 't.json' }).configFile, 't.json');
    assert.throws(() => loadConfig([], { TLS_CERT: 'c.pem' }), /TLS_CERT and TLS_KEY go together/);
    assert.throws(() => loadConfig([], { TRUST_PROXY: 'maybe' }), /TRUST_PROXY must be true or false/);
  });
});

describe('image-chat (the command)', () => {
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const { execFile } = await import('node:child_process');
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  };
  const tenantsFile = async (content: unknown) => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'image-chat-main-')), 'tenants.json');
    writeFileSync(file, JSON.stringify(content));
    return file;
  };

  it('stops at startup on a bad tenants file, naming the file and the field; mints tokens with `token`', async () => {
    const bad = await tenantsFile({ tenants: [{ id: 'acme', secret: 'short', origins: ['*'] }] });
    const good = await tenantsFile({ tenants: [{ id: 'acme', secret: 's'.repeat(40), origins: ['*'] }] });
    const [started, minted] = await Promise.all([
      run(['--port', '0', '--config', bad]),
      run(['token', '--tenant', 'acme', '--sub', 'u1', '--name', 'Ana', '--role', 'moderator'], { IMAGE_CHAT_CONFIG: good }),
    ]);
    assert.equal(started.code, 1);
    assert.match(started.stderr, /tenants\.json\).* tenants\[0\]\.secret must be at least 32/);
    assert.equal(minted.code, 0, minted.stderr);
    const { verifyUserToken } = await import('../tokens/user-token.js');
    const { loadTenants } = await import('../tenants/tenant-config.js');
    const grant = await verifyUserToken(loadTenants(good)[0]!, minted.stdout.trim());
    assert.deepEqual(grant.user, { id: 'u1', name: 'Ana', role: 'moderator' });
  });
});
