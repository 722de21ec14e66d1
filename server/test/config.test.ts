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

  it('refuses settings not supported yet rather than ignoring them', () => {
    assert.throws(() => loadConfig([], { DATABASE_URL: 'postgres://x' }), /DATABASE_URL .*not supported yet/);
    assert.throws(() => loadConfig(['--redis-url=redis://x'], {}), /REDIS_URL .*not supported yet/);
  });

  it('takes the tenants file, TLS files (both or neither) and trustProxy', () => {
    const config = loadConfig(['--config', 'tenants.json', '--tls-cert=c.pem', '--tls-key=k.pem', '--trust-proxy', 'true'], {});
    assert.deepEqual([config.configFile, config.tlsCert, config.tlsKey, config.trustProxy], ['tenants.json', 'c.pem', 'k.pem', true]);
    assert.equal(loadConfig([], { IMAGE_CHAT_CONFIG: 't.json' }).configFile, 't.json');
    assert.throws(() => loadConfig([], { TLS_CERT: 'c.pem' }), /TLS_CERT and TLS_KEY go together/);
    assert.throws(() => loadConfig([], { TRUST_PROXY: 'maybe' }), /TRUST_PROXY must be true or false/);
  });
});
