/**
 * How fast a change shows in the browser's other tab: one context (one user), two tabs on the demo page of a real
 * server (port 0, temporary data). Tab A creates a marker; we time, on the browser's clock:
 *   - tab   : until the marker is in tab B's DOM (passed on by the BroadcastChannel, before the server's round trip)
 *   - event : until tab B applies the op's event from its own connection (`image-chat-change`, origin 'tab')
 *   - ack   : until tab A has the server's ack (the round trip)
 * Run: node --import tsx bench/tab-delay.ts [ops=50] [latency each way, ms=0]   (needs `npm run build` and Chrome/Chromium)
 */
import { chromium, type Page } from 'playwright-core';
import { startTestServer } from '../server/test/helpers.js';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.js';
import { startTcpProxy } from '../test-support/tcp-proxy.js';

const OPS = Number(process.argv[2] ?? 50);
/** Latency added each way by a TCP proxy in front of the server (ms), 0 for plain loopback. */
const LATENCY = Number(process.argv[3] ?? 0);

type Win = Window & { __shown: Record<string, number>; __confirmed: Record<string, number>; __origin: Record<string, string> };
type Chat = HTMLElement & { sync: { createMarker(x: number, y: number, text: string, id: string): Promise<{ ok: boolean }> } };

const server = await startTestServer();
// Both tabs count as foreground: a background tab's throttling would measure Chromium's scheduler, not us.
const FOREGROUND = ['--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'];
const network = LATENCY > 0 ? await startTcpProxy(server.url, { latencyMs: LATENCY }) : { url: server.url, close: async () => {} };
const browser = await chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, ...FOREGROUND], headless: true });

async function open(): Promise<Page> {
  const page = await context.newPage();
  const opened = page.waitForEvent('websocket').then((ws) => ws.waitForEvent('framereceived', (f) => /"type":"(snapshot|subscribed)"/.test(String(f.payload))));
  await page.goto(network.url);
  await opened;
  await page.locator('image-chat').first().locator('[part~="image"]').waitFor();
  return page;
}

const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
try {
  const a = await open();
  const b = await open(); // after A: it uses the guest token A's welcome stored, so both tabs are one user
  await b.evaluate(() => {
    const w = window as unknown as Win;
    w.__shown = {};
    w.__confirmed = {};
    w.__origin = {};
    const chat = document.querySelector('image-chat')!;
    // (No local functions in here: tsx's keepNames would reference a helper the page does not have.)
    new MutationObserver(() => {
      for (const pin of chat.shadowRoot!.querySelectorAll<HTMLElement>('[data-marker-id]')) w.__shown[pin.dataset.markerId!] ??= performance.timeOrigin + performance.now();
    }).observe(chat.shadowRoot!, { childList: true, subtree: true });
    chat.addEventListener('image-chat-change', (e) => {
      const { markerId, origin } = (e as CustomEvent).detail;
      w.__confirmed[markerId] ??= performance.timeOrigin + performance.now();
      w.__origin[markerId] ??= origin;
    });
  });

  const tab: number[] = [];
  const event: number[] = [];
  const ack: number[] = [];
  let late = 0; // ops whose event reached tab B before the tab message did
  for (let i = 0; i < OPS; i++) {
    const op = await a.evaluate(async (i) => {
      const chat = document.querySelector('image-chat') as unknown as Chat;
      const id = crypto.randomUUID();
      const t0 = performance.timeOrigin + performance.now();
      const result = await chat.sync.createMarker(5 + (i % 18) * 5, 5 + Math.floor(i / 18) * 5, `bench ${i}`, id);
      return { id, t0, acked: performance.timeOrigin + performance.now(), ok: result.ok };
    }, i);
    if (!op.ok) throw new Error(`op ${i} failed`);
    let times: { shown: number; confirmed: number; origin: string } | null = null;
    for (let tries = 0; !times; tries++) {
      if (tries > 1000) throw new Error(`op ${i} never showed in tab B`);
      times = await b.evaluate((id) => {
        const w = window as unknown as Win;
        return w.__shown[id] && w.__confirmed[id] ? { shown: w.__shown[id], confirmed: w.__confirmed[id], origin: w.__origin[id] } : null;
      }, op.id);
      if (!times) await new Promise((r) => setTimeout(r, 10));
    }
    const { shown, confirmed, origin } = times;
    if (origin !== 'tab') late++;
    tab.push(shown - op.t0);
    event.push(confirmed - op.t0);
    ack.push(op.acked - op.t0);
  }

  const stat = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1);
    return `median ${at(0.5)} ms, p95 ${at(0.95)} ms`;
  };
  console.log(`${OPS} create-marker ops, tab A → tab B (one context, Chromium headless, server on loopback${LATENCY ? `, through a proxy adding ${LATENCY} ms each way` : ''}):`);
  console.log(`  shown in tab B (BroadcastChannel):       ${stat(tab)}`);
  console.log(`  event applied in tab B (its connection): ${stat(event)}`);
  console.log(`  ack in tab A (server round trip):        ${stat(ack)}`);
  console.log(`  ops whose event beat the tab message:    ${late} of ${OPS}`);
} finally {
  await browser.close();
  await network.close();
  await server.stop();
}
