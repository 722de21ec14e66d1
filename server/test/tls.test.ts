/** The server serves HTTPS and WSS itself given a certificate and key (a self-signed one, made here with openssl). */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ops, startTestServer, WsClient, type TestServer } from './helpers.js';

describe('TLS', () => {
  let dir: string;
  let server: TestServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'image-chat-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = await startTestServer({ tls: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) } });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS', async () => {
    assert.match(server.url, /^https:\/\//);
    const body = await new Promise<string>((resolve, reject) => {
      get(`${server.url}/healthz`, { rejectUnauthorized: false, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    assert.deepEqual(JSON.parse(body), { ok: true });
  });

  it('serves the protocol over WSS', async () => {
    assert.match(server.wsUrl, /^wss:\/\//);
    const client = await WsClient.connect(server);
    await client.subscribe('tls-room');
    assert.equal((await client.op(ops.createMarker('tls-room'))).type, 'ack');
    assert.equal((await client.event('tls-room')).type, 'new-image-chat');
    await client.close();
  });
});
