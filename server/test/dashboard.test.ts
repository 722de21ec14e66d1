/** `GET /dashboard`: the built page, with a policy that lets it load only its own files (the page is in e2e/). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startTestServer } from './helpers.js';

describe('GET /dashboard', () => {
  it('serves the built page under a strict content security policy, and /dashboard/ redirects to it', async () => {
    const server = await startTestServer();
    try {
      const page = await fetch(`${server.url}/dashboard`);
      assert.equal(page.status, 200, 'dist/dashboard/index.html is built by `npm run build`');
      assert.match(page.headers.get('content-type')!, /^text\/html/);
      assert.match(page.headers.get('content-security-policy')!, /default-src 'none'.*script-src 'self'.*frame-ancestors 'none'/);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      assert.match(await page.text(), /<script type="module" src="dist\/dashboard\/dashboard\.js">/);
      assert.equal((await fetch(`${server.url}/dist/dashboard/dashboard.js`)).status, 200);
      const slash = await fetch(`${server.url}/dashboard/`, { redirect: 'manual' });
      assert.equal(slash.status, 302);
      assert.equal(slash.headers.get('location'), '/dashboard');
      // The embedded default's link carries the demo tenant's key in its fragment.
      assert.match(server.dashboardUrl, /\/dashboard#key=[\w-]{32,}$/);
    } finally {
      await server.stop();
    }
  });

  it('says how to build it when it is not built', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'image-chat-nodist-'));
    const server = await startTestServer({ staticDirs: { dist } });
    try {
      const page = await fetch(`${server.url}/dashboard`);
      assert.equal(page.status, 503);
      assert.match(await page.text(), /npm run build/);
    } finally {
      await server.stop();
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
