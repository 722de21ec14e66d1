/**
 * The IndexedDB cache end to end: a host page served by a static server of its own (another origin than the
 * image-chat server, as on a customer's site) shows a room's markers; the image-chat server goes down; the page is
 * reloaded and still shows them, from the cache, read-only and saying so; the server comes back and the page is live.
 *
 * Needs `npm run build` (the page loads dist/image-chat.js, served here by the static server) and Chrome or Chromium.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BUNDLE, firstChat, launch, markersOf, recordingContext, removeDir, startChat, waitForSeen, type Server } from './support.js';

const ROOM = 'cached-room';
const IMAGE = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500"><rect width="800" height="500" fill="#dde"/></svg>`;

/** The host site: one page with one element pointed at the image-chat server, the bundle, and the image. */
function staticSite(chatUrl: string): Promise<{ url: string; server: HttpServer }> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script type="module" src="/dist/image-chat.js"></script></head>
<body><image-chat src="/shot.svg" alt="A screenshot" room="${ROOM}" server="${chatUrl}" locale="en"
 style="display:block;width:800px"></image-chat></body></html>`;
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', page],
    '/shot.svg': ['image/svg+xml', IMAGE],
  };
  // The bundle and the chunks it loads beside it (the panels, the saved copy, …): the host serves the dist folder.
  for (const file of readdirSync(dirname(BUNDLE))) if (file.endsWith('.js')) files[`/dist/${file}`] = ['text/javascript', readFileSync(join(dirname(BUNDLE), file))];
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain', 'cache-control': 'no-store' });
    res.end(file?.[1] ?? 'not found');
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server })),
  );
}

/** Creates a marker over HTTP as a guest of its own (another user than the page's). */
async function createMarker(chat: Server, x: number, y: number, text: string): Promise<void> {
  const guest = (await (await fetch(`${chat.url}/api/guest?tenant=demo`, { method: 'POST' })).json()) as { token: string };
  const op = {
    type: 'create-marker',
    room: ROOM,
    broadcastId: crypto.randomUUID(),
    marker: { id: crypto.randomUUID(), x, y },
    comment: { id: crypto.randomUUID(), text },
  };
  const response = await fetch(`${chat.url}/api/rooms/${ROOM}/ops?tenant=demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.token}` },
    body: JSON.stringify(op),
  });
  assert.equal(response.status, 200, await response.text());
}

/** How many markers each room cached in the page's IndexedDB holds (none before the element created its database). */
function cachedMarkerCounts(page: Page): Promise<number[]> {
  return page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const open = indexedDB.open('image-chat');
        // Not there yet: don't create it (without its store, the element's own open would find it unusable).
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => resolve([]);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('rooms').objectStore('rooms').getAll();
          all.onsuccess = () => resolve(all.result.map((room: { markers: unknown[] }) => room.markers.length));
          all.onerror = () => resolve([]);
          all.transaction!.oncomplete = () => db.close();
        };
      }),
  );
}

describe('cached markers', () => {
  let chat: Server;
  let dataDir: string;
  let site: { url: string; server: HttpServer };
  let browser: Browser;

  before(async () => {
    ({ server: chat, dataDir } = await startChat());
    site = await staticSite(chat.url);
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await chat?.close();
    site?.server.close();
    removeDir(dataDir);
  });

  it('shows the last known markers, read-only, when reloaded while the server is down', { timeout: 90_000 }, async () => {
    await createMarker(chat, 20, 30, 'First');
    await createMarker(chat, 60, 70, 'Second');
    const context = await recordingContext(browser);
    const page = await context.newPage();
    await page.goto(site.url);
    const element = firstChat(page);
    await markersOf(element).nth(1).waitFor({ state: 'visible', timeout: 10_000 });
    // The confirmed state reaches IndexedDB shortly after (writes are throttled).
    for (let tries = 0; !(await cachedMarkerCounts(page)).includes(2); tries++) {
      assert.ok(tries < 100, 'the room never reached IndexedDB');
      await page.waitForTimeout(100);
    }

    const { port } = chat;
    await chat.close();
    await page.reload();

    // The markers are there, from the cache, and the element says so and takes no new marker.
    await markersOf(element).nth(1).waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await markersOf(element).count(), 2);
    const status = element.locator('[role="status"]');
    await page.waitForFunction(
      (el) => /showing markers saved at/.test(el?.shadowRoot?.querySelector('[role="status"]')?.textContent ?? ''),
      await element.elementHandle(),
      { timeout: 10_000 },
    );
    assert.match((await status.textContent()) ?? '', /Read-only/);
    assert.equal(await status.getAttribute('part'), 'status');
    await element.locator('[part~="image"]').click({ position: { x: 400, y: 100 } });
    assert.equal(await element.locator('[part~="composer"]').count(), 0, 'no composer while showing the cached copy');
    // A cached marker's thread opens, read-only.
    await markersOf(element).first().click();
    await element.locator('[part~="thread"]').getByText('First').waitFor({ state: 'visible' });
    assert.equal(await element.locator('[part~="thread"] textarea').count(), 0);

    // The server comes back (same port, same data): the page resyncs from the cached seq and is live again.
    ({ server: chat } = await startChat(port, dataDir));
    await createMarker(chat, 80, 20, 'Third');
    // Going online reconnects at once instead of waiting out the backoff.
    await context.setOffline(true);
    await context.setOffline(false);
    await markersOf(element).nth(2).waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction(
      (el) => (el?.shadowRoot?.querySelector('[role="status"]')?.textContent ?? 'x').trim() === '',
      await element.elementHandle(),
      { timeout: 10_000 },
    );
    assert.equal(await markersOf(element).count(), 3);
    await waitForSeen(page, (e) => e.type === 'change' && e.origin === 'remote' && e.kind === 'created');
    await context.close();
  });
});
