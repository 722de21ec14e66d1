/**
 * End to end, as two users would try it: the real server serves the demo page and the built bundle, two browser
 * contexts (two people, separate storage and guest identities) open it, one places a marker by clicking the first
 * image and writing a comment, and the other sees it appear, at the same spot, with the comment in its thread. Each sees
 * the other in its presence stack, and either may resolve the other's marker.
 *
 * Needs `npm run build` (the page loads dist/image-chat.js) and Chrome or Chromium (CHROME_PATH, or the usual paths).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { clickToPlace, FIRST_ROOM, firstChat, launch, placeMarker, removeDir, serverMarkers, startChat, type Server } from './support.js';


/**
 * Opens the demo page in a fresh context (its own storage: a different guest) and resolves once the first
 * `<image-chat>` has its room's snapshot: from then on, what the page shows of that room arrives live.
 */
async function openDemo(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A failed request is reported below with its URL; the console's copy of it says less.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  const snapshot = page.waitForEvent('websocket').then((socket) =>
    socket.waitForEvent('framereceived', { predicate: (frame) => isSnapshotOf(frame.payload, FIRST_ROOM), timeout: 10_000 }),
  );
  await page.goto(url);
  await snapshot.catch((error: Error) => {
    throw new Error(`no snapshot of room "${FIRST_ROOM}" (is it still the first room of demo/index.html?): ${error.message}`);
  });
  await firstChat(page).locator('[part~="image"]').waitFor({ state: 'visible' });
  return page;
}

function isSnapshotOf(payload: string | Buffer, room: string): boolean {
  try {
    const message = JSON.parse(String(payload)) as { type?: string; room?: string };
    return message.type === 'snapshot' && message.room === room;
  } catch {
    return false;
  }
}

/** Where an element's centre sits within a box, as percentages of the box. */
async function centreWithin(element: Locator, box: Locator): Promise<{ x: number; y: number }> {
  const [e, b] = await Promise.all([element.boundingBox(), box.boundingBox()]);
  assert.ok(e && b, 'both the marker and the image are laid out');
  return { x: ((e.x + e.width / 2 - b.x) / b.width) * 100, y: ((e.y + e.height / 2 - b.y) / b.height) * 100 };
}

describe('two browsers on the demo page', () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  const errors: string[] = [];

  before(async () => {
    ({ server, dataDir } = await startChat());
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    removeDir(dataDir);
  });

  it('shows a marker placed by clicking in one browser in the other, with its comment', { timeout: 60_000 }, async () => {
    const [alice, bob] = await Promise.all([openDemo(browser, server.url, errors), openDemo(browser, server.url, errors)]);
    const aliceChat = firstChat(alice);
    const bobChat = firstChat(bob);
    const comment = `The KPI cards need more contrast (${Date.now()})`;

    // Bob's page has its snapshot before Alice acts: what he sees next arrives live, not from a page load.
    assert.equal(await bobChat.locator('[part~="marker"]').count(), 0, 'a new room starts empty');

    // Alice clicks a spot on the image (30 % across, 40 % down) and writes the first comment.
    const textarea = await clickToPlace(aliceChat, 0.3, 0.4);
    await textarea.fill(comment);
    await textarea.press('Enter');

    // Her own marker shows at once (optimistic, before the server's echo).
    await aliceChat.locator('[part~="marker"]').first().waitFor({ state: 'visible', timeout: 5_000 });

    // Bob sees it appear, at the same spot of the picture.
    const bobMarker = bobChat.locator('[part~="marker"]');
    await bobMarker.first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await bobMarker.count(), 1, 'exactly one marker, no duplicate');
    assert.equal(await aliceChat.locator('[part~="marker"]').count(), 1, "the echo of Alice's op does not double her marker");
    const at = await centreWithin(bobMarker.first(), bobChat.locator('[part~="image"]'));
    assert.ok(Math.abs(at.x - 30) < 2 && Math.abs(at.y - 40) < 2, `marker at ${at.x.toFixed(1)} %, ${at.y.toFixed(1)} %`);

    // Opening it shows Alice's comment as text.
    await bobMarker.first().click();
    const thread = bobChat.locator('[part~="thread"]');
    await thread.waitFor({ state: 'visible' });
    await thread.getByText(comment).waitFor({ state: 'visible', timeout: 5_000 });

    assert.deepEqual(errors, [], 'no errors in either page');
    await Promise.all([alice.context().close(), bob.context().close()]);
  });

  it("shows each the other in its presence stack; B resolves A's marker and A sees it resolved", { timeout: 60_000 }, async () => {
    const [alice, bob] = await Promise.all([openDemo(browser, server.url, errors), openDemo(browser, server.url, errors)]);
    const aliceChat = firstChat(alice);
    const bobChat = firstChat(bob);
    const userId = (page: Page) => page.evaluate(() => (document.querySelector('image-chat') as unknown as { sync: { user: { id: string } } }).sync.user.id);
    const [aliceId, bobId] = await Promise.all([userId(alice), userId(bob)]);
    assert.notEqual(aliceId, bobId, 'two contexts are two guests');

    // Bob sees Alice among who is viewing, and the count says two.
    const bobPresence = bobChat.locator('[part~="presence"]');
    await bobPresence.locator(`.avatar[data-user-id="${aliceId}"]`).waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await bobPresence.getAttribute('aria-label'), '2 people viewing');
    await aliceChat.locator(`[part~="presence"] .avatar[data-user-id="${bobId}"]`).waitFor({ state: 'visible', timeout: 10_000 });

    // Alice places a marker; Bob, who did not write it, resolves it.
    const comment = `Resolve me, anyone (${Date.now()})`;
    await placeMarker(aliceChat, 0.6, 0.5, comment);
    const onBob = bobChat.locator(`[part~="marker"][aria-label$="${comment}"]`);
    await onBob.waitFor({ state: 'visible', timeout: 10_000 });
    await aliceChat.locator('[part~="thread"] .icon-button[aria-label="Close"]').click();
    await onBob.click();
    await bobChat.locator('[part~="thread"]').getByRole('button', { name: 'Resolve', exact: true }).click();

    // Alice sees it resolved, live; the server has it so.
    await aliceChat.locator(`[part~="marker-resolved"][aria-label$="${comment}"]`).waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await aliceChat.locator(`[part~="marker"][aria-label$="${comment}"]`).getAttribute('aria-label')) ?? '', /, resolved:/);
    const saved = (await serverMarkers(server, FIRST_ROOM)).find((m) => m.comments[0]?.text === comment);
    assert.equal(saved?.resolved, true);
    assert.deepEqual(errors, [], 'no errors in either page');
    await Promise.all([alice.context().close(), bob.context().close()]);
  });
});
