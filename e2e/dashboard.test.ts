/**
 * The operator's dashboard in Chromium, on the embedded default: opened with the link the server prints (the demo
 * tenant's admin key in the fragment), it shows the traffic this test made — totals, live connections and rooms,
 * and per-day charts — in light and dark, with no axe violations; a wrong key gets a clear error, not a blank page.
 *
 * Needs `npm run build` (dist/dashboard/) and Chrome or Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ops, WsClient, type TestServer } from '../server/test/helpers.js';
import { axeViolations, launch, removeDir, startChat, type Server } from './support.js';

const MARKERS = 3;

/** Whether the canvas has anything drawn on it: its pixels differ from a blank canvas of the same size. */
function painted(page: Page, metric: string): Promise<boolean> {
  return page.evaluate((selector) => {
    const canvas = document.querySelector<HTMLCanvasElement>(selector);
    if (!canvas || canvas.width === 0 || canvas.height === 0) return false;
    const blank = document.createElement('canvas');
    blank.width = canvas.width;
    blank.height = canvas.height;
    return canvas.toDataURL() !== blank.toDataURL();
  }, `figure[data-metric="${metric}"] canvas`);
}

describe('the operator dashboard', () => {
  let server: Server;
  let dataDir: string;
  let browser: Browser;
  let client: WsClient;

  before(async () => {
    ({ server, dataDir } = await startChat());
    browser = await launch();
    // Traffic: one guest in one room places markers, and stays (one live connection, one live room).
    client = await WsClient.connect({ url: server.url, wsUrl: `${server.url.replace(/^http/, 'ws')}/ws` } as TestServer, { tenant: 'demo' });
    await client.subscribe('dashboard-room');
    for (let i = 0; i < MARKERS; i++) assert.equal((await client.op(ops.createMarker('dashboard-room', `marker ${i}`))).type, 'ack');
    for (let i = 0; i < MARKERS; i++) await client.event('dashboard-room');
  });

  after(async () => {
    await client?.close();
    await browser?.close();
    await server?.close();
    removeDir(dataDir);
  });

  it('shows the counts of the traffic made, as totals, tables and charts, in light and dark, with no axe violations', async () => {
    const key = new URL(server.dashboardUrl).hash.replace('#key=', '');
    const usage = await (await fetch(`${server.url}/api/tenants/demo/usage`, { headers: { Authorization: `Bearer ${key}` } })).json();
    assert.equal(usage.conversationCreateCount, MARKERS);
    const today = new Date().toISOString().slice(0, 10);

    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    await page.goto(server.dashboardUrl);

    const total = (name: string) => page.locator(`[data-total="${name}"]`);
    await total('conversationCreateCount').filter({ hasText: String(MARKERS) }).waitFor();
    assert.equal(await total('pubSubMessageCount').textContent(), usage.pubSubMessageCount.toLocaleString('en'));
    assert.equal(await total('connections').textContent(), '1');
    assert.equal(await total('rooms').textContent(), '1');
    const todayCell = (metric: string) => page.locator(`figure[data-metric="${metric}"] tr[data-day="${today}"] td`).nth(1);
    assert.equal(await todayCell('conversationCreateCount').textContent(), String(MARKERS));
    assert.equal(await todayCell('pubSubMessageCount').textContent(), usage.pubSubMessageCount.toLocaleString('en'));
    assert.equal(await todayCell('pubSubBandwidth').textContent(), usage.pubSubBandwidth.toLocaleString('en'));
    for (const metric of ['pubSubMessageCount', 'pubSubBandwidth', 'conversationCreateCount']) {
      assert.ok(await painted(page, metric), `the ${metric} chart is drawn`);
      assert.match((await page.locator(`figure[data-metric="${metric}"] .plot`).getAttribute('aria-label'))!, /in all/);
    }
    // The key left the address bar, and lives in this tab's session storage.
    assert.equal(new URL(page.url()).hash, '');
    assert.match(await page.evaluate(() => sessionStorage.getItem('image-chat-dashboard') ?? ''), new RegExp(key));

    assert.deepEqual(await axeViolations(page), [], 'light: no axe violations');
    const lightBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), lightBackground);
    assert.ok(await painted(page, 'conversationCreateCount'), 'the charts are drawn again in dark colours');
    assert.deepEqual(await axeViolations(page), [], 'dark: no axe violations');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('says clearly that a wrong key was refused, and shows no figures', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/dashboard#key=not-the-key`);
    const error = page.getByRole('alert');
    await error.filter({ hasText: 'refused' }).waitFor();
    assert.match((await error.textContent())!, /admin key was refused for tenant "demo"/);
    assert.equal(await page.locator('#usage').isVisible(), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('image-chat-dashboard')), null, 'a refused key is not kept');
    // Another tenant that does not exist says so.
    await page.getByRole('textbox', { name: 'Tenant', exact: true }).fill('nobody');
    await page.getByLabel('Admin key', { exact: true }).fill('some-key');
    await page.getByRole('button', { name: 'Show usage' }).click();
    await error.filter({ hasText: 'no tenant "nobody"' }).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'the error state: no axe violations');
    await context.close();
  });
});
