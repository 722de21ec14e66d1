/**
 * End to end on the demo page, against the real server: a browser that goes offline fails a new marker at once and
 * never sends it later; and two tabs of one browser (one context, one guest) pass changes to each other before the
 * server's round trip, reported as `origin: 'tab'`.
 *
 * Needs `npm run build` (the page loads dist/image-chat.js) and Chrome or Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  FIRST_ROOM,
  firstChat,
  launch,
  markersOf,
  placeMarker,
  recordingContext,
  removeDir,
  seen,
  serverMarkers,
  startChat,
  waitForSeen,
  waitOpen,
  type Server,
} from './support.js';
import { startTcpProxy } from '../test-support/tcp-proxy.js';

describe('offline and other tabs on the demo page', () => {
  let server: Server;
  let dataDir: string;
  let browser: Browser;

  before(async () => {
    ({ server, dataDir } = await startChat());
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    removeDir(dataDir);
  });

  async function open(page: Page, url = server.url): Promise<Page> {
    await page.goto(url);
    await waitOpen(page);
    return page;
  }

  it('fails a marker made offline at once, keeps its text, and never sends it', { timeout: 60_000 }, async () => {
    const [a, b] = await Promise.all([recordingContext(browser), recordingContext(browser)]);
    const [alice, bob] = await Promise.all([open(await a.newPage()), open(await b.newPage())]);
    const aliceChat = firstChat(alice);
    const text = `Written on a train (${Date.now()})`;

    await a.setOffline(true);
    await waitForSeen(alice, (e) => e.type === 'connection' && e.state === 'offline');
    assert.match((await aliceChat.locator('[part~="status"]').first().textContent()) ?? '', /offline/i);

    await placeMarker(aliceChat, 0.3, 0.4, text);
    const error = await waitForSeen(alice, (e) => e.type === 'error');
    assert.deepEqual({ code: error.code, action: error.action }, { code: 'offline', action: 'create-marker' });
    // The composer comes back with the text and says why, visibly.
    const textarea = aliceChat.locator('[part~="composer"] textarea');
    await textarea.waitFor({ state: 'visible' });
    assert.equal(await textarea.inputValue(), text);
    const message = aliceChat.locator('[part~="composer"] .error');
    await message.waitFor({ state: 'visible' });
    assert.match((await message.textContent()) ?? '', /offline/i);
    assert.equal(await markersOf(aliceChat).count(), 0, 'the failed marker is rolled back');

    // Back online: the connection opens again, and the op is not sent after all.
    const opens = (await seen(alice)).filter((e) => e.type === 'connection' && e.state === 'open').length;
    await a.setOffline(false);
    await alice.waitForFunction(
      (n) => (window as unknown as { __seen: { type: string; state?: string }[] }).__seen.filter((e) => e.type === 'connection' && e.state === 'open').length > n,
      opens,
      { timeout: 15_000 },
    );
    // A marker placed by Bob afterwards reaches Alice: the way is open, and anything sent before it would be before it.
    await placeMarker(firstChat(bob), 0.6, 0.6, 'After the train');
    await markersOf(aliceChat).first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await markersOf(firstChat(bob)).count(), 1, 'Bob never received the offline marker');
    assert.equal(await markersOf(aliceChat).count(), 1);
    const onServer = await serverMarkers(server, FIRST_ROOM);
    assert.deepEqual(onServer.map((m) => m.comments[0].text), ['After the train']);
    assert.ok(!(await seen(bob)).some((e) => e.type === 'change' && e.origin !== 'local'), 'Bob saw no change but his own');
    await Promise.all([a.close(), b.close()]);
  });

  it('shows a change made in one tab in the other, reported with origin "tab"', { timeout: 60_000 }, async () => {
    // Through 40 ms of latency each way, as on any real network: on bare loopback the server's echo sometimes beats
    // the browser's own hop between tabs, and the change would (correctly) be reported as 'remote'.
    const network = await startTcpProxy(server.url, { latencyMs: 40 });
    const context = await recordingContext(browser);
    // One after the other: the first tab's welcome stores the guest token the second then uses (one user, two tabs).
    const first = await open(await context.newPage(), network.url);
    const second = await open(await context.newPage(), network.url);
    const before = (await serverMarkers(server, FIRST_ROOM)).length;
    const text = `From the first tab (${Date.now()})`;

    await placeMarker(firstChat(first), 0.7, 0.2, text);

    const change = await waitForSeen(second, (e) => e.type === 'change' && e.kind === 'created');
    assert.equal(change.origin, 'tab');
    const local = await waitForSeen(first, (e) => e.type === 'change' && e.kind === 'created');
    assert.equal(local.origin, 'local');
    assert.equal(change.markerId, local.markerId);
    await firstChat(second).locator(`[data-marker-id="${change.markerId}"]`).waitFor({ state: 'visible' });
    assert.equal(await markersOf(firstChat(second)).count(), before + 1, 'shown once: the tab entry and its event do not double');
    assert.equal((await seen(second)).filter((e) => e.type === 'change').length, 1, 'reported once');
    await context.close();
    await network.close();
  });
});
