/**
 * What the end-to-end tests share: the real server on port 0 with a temporary data directory, Chromium, a page-side
 * log of the element's events, and placing a marker as a user would.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Marker } from '../protocol/index.js';
import { startTestServer, type TestServer } from '../server/test/helpers.js';
import { CHROMIUM_ARGS, findChromium } from './chromium.js';

export const BUNDLE = fileURLToPath(new URL('../dist/image-chat.js', import.meta.url));
/** The room of the demo page's first image (demo/index.html). */
export const FIRST_ROOM = 'northwind-home-v3';

export type Server = TestServer;

/** One `image-chat-*` event as the page saw it: its type without the prefix, and its detail. */
export interface SeenEvent {
  type: 'change' | 'error' | 'connection';
  kind?: string;
  markerId?: string;
  origin?: string;
  code?: string;
  action?: string;
  state?: string;
}

/**
 * Starts the image-chat server on a port (0: any) over a data directory (a fresh temporary one by default), with
 * the tests' one `startTestServer`. `server.close()` keeps the data (a restart reuses it); `removeDir` removes it.
 */
export async function startChat(port = 0, dataDir?: string): Promise<{ server: Server; dataDir: string }> {
  const server = await startTestServer({ port, ...(dataDir ? { dataDir } : {}) });
  return { server, dataDir: server.dataDir };
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export async function launch(): Promise<Browser> {
  assert.ok(existsSync(BUNDLE), 'dist/image-chat.js is missing: run `npm run build` before the end-to-end tests');
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS, headless: true });
}

/** A context whose pages record every `image-chat-*` event in `window.__seen` (read it with {@link seen}). */
export async function recordingContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    const log: unknown[] = [];
    (window as unknown as { __seen: unknown[] }).__seen = log;
    for (const type of ['change', 'error', 'connection']) {
      document.addEventListener(`image-chat-${type}`, (event) => log.push({ type, ...(event as CustomEvent).detail }));
    }
  });
  return context;
}

export function seen(page: Page): Promise<SeenEvent[]> {
  return page.evaluate(() => (window as unknown as { __seen: SeenEvent[] }).__seen);
}

/** Waits until the page has recorded an event matching `predicate`, and returns it. */
export async function waitForSeen(page: Page, predicate: (event: SeenEvent) => boolean, timeout = 10_000): Promise<SeenEvent> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = (await seen(page)).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such event; seen: ${JSON.stringify(await seen(page))}`);
    await page.waitForTimeout(50);
  }
}

/** The first `<image-chat>` on the page; locators chained from it pierce its open shadow root. */
export const firstChat = (page: Page): Locator => page.locator('image-chat').first();
export const markersOf = (chat: Locator): Locator => chat.locator('[part~="marker"]');

/** Waits until the first element's connection is open (its room's snapshot follows at once). */
export async function waitOpen(page: Page): Promise<void> {
  await waitForSeen(page, (e) => e.type === 'connection' && e.state === 'open');
}

/**
 * Clicks a spot of the image (fractions of its box) and returns the new marker's comment box. A click that opened
 * nothing (the room's snapshot not applied yet) is tried again.
 */
export async function clickToPlace(chat: Locator, fx: number, fy: number): Promise<Locator> {
  const image = chat.locator('[part~="image"]');
  const textarea = chat.locator('[part~="composer"] textarea');
  await image.waitFor({ state: 'visible' });
  const box = await image.boundingBox();
  assert.ok(box, 'the image is laid out');
  for (let attempt = 1; ; attempt++) {
    await image.click({ position: { x: box.width * fx, y: box.height * fy } });
    try {
      await textarea.waitFor({ state: 'visible', timeout: 2_000 });
      return textarea;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Places a marker with a comment, as a user: click, type, Enter. */
export async function placeMarker(chat: Locator, fx: number, fy: number, text: string): Promise<void> {
  const textarea = await clickToPlace(chat, fx, fy);
  await textarea.fill(text);
  await textarea.press('Enter');
}

/** The server's own view of a room: its REST snapshot. */
export async function serverMarkers(server: Server, room: string): Promise<Marker[]> {
  const response = await fetch(`${server.url}/api/rooms/${encodeURIComponent(room)}/markers?tenant=demo`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { markers: Marker[] }).markers;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's violations on the page as it is now, shadow roots included, one line each (rule, what it asks, where).
 * Run through `evaluate`, which a page's Content-Security-Policy does not stop (it is not a script tag).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe
      .run(document, { resultTypes: ['violations'] })
      .then((result) => result.violations),
  )) as AxeViolation[];
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}
