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
    assert.throws(() => loadConfig([], { IMAGE_CHAT_CONFIG: 'tenants.json' }), /IMAGE_CHAT_CONFIG .*not supported yet/);
  });
});
