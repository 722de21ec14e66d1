/**
 * axe-core over the whole demo page, the elements' shadow roots included: as it opens, once the live log scrolls
 * and a thread is open, in the light and the dark system theme, and at a phone's width — no violations.
 *
 * Needs `npm run build` (the page loads dist/image-chat.js) and Chrome or Chromium.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, FIRST_ROOM, firstChat, launch, markersOf, recordingContext, startChat, waitOpen, type Server } from './support.js';

/** Enough changes for the live log (340 px high) to scroll. */
const SEEDED = 14;

/** Markers made by another guest over the HTTP API: each is a "created … by someone else" line in the live log. */
async function seedMarkers(server: Server, count: number): Promise<void> {
  const guest = (await (await fetch(`${server.url}/api/guest?tenant=demo`, { method: 'POST' })).json()) as { token: string };
  for (let i = 0; i < count; i++) {
    const op = {
      type: 'create-marker',
      room: FIRST_ROOM,
      broadcastId: randomUUID(),
      marker: { id: randomUUID(), x: 8 + ((i * 13) % 84), y: 12 + ((i * 29) % 76) },
      comment: { id: randomUUID(), text: `Remark ${i + 1}` },
    };
    const response = await fetch(`${server.url}/api/rooms/${FIRST_ROOM}/ops?tenant=demo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${guest.token}` },
      body: JSON.stringify(op),
    });
    assert.equal(response.status, 200, await response.text());
  }
}

describe('the demo page with axe-core', () => {
  let server: Server;
  let browser: Browser;

  before(async () => {
    ({ server } = await startChat());
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('has no violations: opened, with a scrolling log and an open thread, light and dark, desktop and phone', async () => {
    const context = await recordingContext(browser);
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(server.url);
    await waitOpen(page);
    assert.deepEqual(await axeViolations(page), [], 'light, as opened');

    await seedMarkers(server, SEEDED);
    const chat = firstChat(page);
    await chat.locator('[part~="marker"]').nth(SEEDED - 1).waitFor();
    const log = page.locator('#log');
    await page.waitForFunction((n) => document.querySelectorAll('#log li').length >= n, SEEDED);
    assert.ok(await log.evaluate((el) => el.scrollHeight > el.clientHeight), 'the live log scrolls');
    await markersOf(chat).first().click();
    await chat.locator('[part~="thread"]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'light, log scrolling, a thread open');

    const lightBackground = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    const lightPanel = await chat.locator('[part~="thread"]').evaluate((el) => getComputedStyle(el).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), lightBackground, 'the page follows the dark theme');
    assert.notEqual(await chat.locator('[part~="thread"]').evaluate((el) => getComputedStyle(el).backgroundColor), lightPanel, 'so does the element');
    assert.deepEqual(await axeViolations(page), [], 'dark, log scrolling, a thread open');

    await page.setViewportSize({ width: 390, height: 844 });
    await chat.locator('[part~="thread"]').waitFor();
    assert.deepEqual(await axeViolations(page), [], 'dark, phone, the thread full-screen');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(await axeViolations(page), [], 'light, phone, the thread full-screen');
    await context.close();
  });
});
