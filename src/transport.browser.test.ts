// Transports and failures in Chromium against the real server: the SSE fallback behind a real reverse proxy that
// refuses WebSocket upgrades, forced SSE, a refused token (4401) and a new one applied in place, and Retry.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './image-chat.js';
import type { ImageChat } from './image-chat.js';
import { RawClient, clickAt, fetchMarkers, markerButtons, q, serverUrl, testImage, uniqueRoom, upgradeRefusingProxy, waitForMarkers, waitForReady } from './test/helpers.js';

interface ConnectionDetail { state: string; transport: string | null }

/** An element on `room` at `server`, recording its connection events and errors from the start. */
async function watched(room: string, server: string, attrs: { transport?: string; token?: string } = {}) {
  const connections: ConnectionDetail[] = [];
  const errors: { code: string; action: string }[] = [];
  const el = await fixture<ImageChat>(html`<image-chat src=${testImage()} alt="Test mockup" room=${room} server=${server} locale="en"
    transport=${attrs.transport ?? 'auto'} .token=${attrs.token} style="width: 800px"
    @image-chat-connection=${(e: CustomEvent<ConnectionDetail>) => connections.push(e.detail)}
    @image-chat-error=${(e: CustomEvent<{ code: string; action: string }>) => errors.push(e.detail)}></image-chat>`);
  return { el, connections, errors };
}

/** Places a marker through the UI and waits until the server has it. */
async function placeThroughUi(el: ImageChat, room: string, x: number, y: number, text: string): Promise<void> {
  await clickAt(el, x, y);
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
  await waitUntil(async () => (await fetchMarkers(room)).some((m) => m.comments[0]?.text === text), 'marker never saved', { timeout: 5000 });
}

describe('<image-chat> transports', () => {
  it('falls back to SSE behind a reverse proxy that refuses WebSocket upgrades, and works there', async () => {
    const room = uniqueRoom();
    const raw = await RawClient.connect();
    await raw.subscribe(room);
    await raw.createMarker(room, 20, 20, 'Before');
    const proxy = await upgradeRefusingProxy();
    const { el, connections } = await watched(room, proxy.url);
    await waitUntil(() => connections.some((c) => c.state === 'open'), 'never opened', { timeout: 8000 });
    expect(connections.filter((c) => c.state === 'open')).to.deep.equal([{ state: 'open', transport: 'sse' }]);
    expect((await upgradeRefusingProxy()).refusedUpgrades).to.be.greaterThan(proxy.refusedUpgrades);
    await waitForReady(el);
    await waitForMarkers(el, 1);
    await placeThroughUi(el, room, 60, 60, 'Posted through the proxy'); // by HTTP POST
    await waitForMarkers(el, 2);
    await raw.createMarker(room, 80, 30, 'From elsewhere'); // arrives over the SSE stream
    await waitForMarkers(el, 3);
    expect(markerButtons(el).map((b) => b.getAttribute('aria-label')).join()).to.contain('From elsewhere');
    raw.close();
  });

  it('uses SSE when transport="sse" is forced', async () => {
    const room = uniqueRoom();
    const raw = await RawClient.connect();
    await raw.subscribe(room);
    const { el, connections } = await watched(room, await serverUrl(), { transport: 'sse' });
    await waitForReady(el);
    expect(connections.filter((c) => c.state === 'open')).to.deep.equal([{ state: 'open', transport: 'sse' }]);
    await placeThroughUi(el, room, 30, 40, 'Forced SSE');
    await raw.createMarker(room, 70, 40, 'Live over SSE');
    await waitForMarkers(el, 2);
    raw.close();
  });
});

describe('<image-chat> refused token', () => {
  for (const transport of ['websocket', 'sse']) {
    it(`reports 4401 as unauthorized/auth, does not retry, and applies a new token in place (${transport})`, async () => {
      const room = uniqueRoom();
      const server = await serverUrl();
      const { el, connections, errors } = await watched(room, server, { transport, token: 'not-a-valid-token' });
      await waitUntil(() => errors.length > 0, 'no error for a bad token', { timeout: 5000 });
      expect(errors[0]).to.include({ code: 'unauthorized', action: 'auth' });
      await waitUntil(() => connections.at(-1)?.state === 'closed', 'not closed after 4401');
      await new Promise((r) => setTimeout(r, 1200)); // long enough for several backoff retries, were there any
      expect(connections.at(-1)?.state).to.equal('closed');
      expect(errors).to.have.length(1);
      // The host page gets a fresh token (here: a guest's) and sets it.
      const guest = (await (await fetch(`${server}/api/guest?tenant=demo`, { method: 'POST' })).json()) as { token: string };
      el.token = guest.token;
      await waitForReady(el);
      expect(connections.at(-1)).to.deep.equal({ state: 'open', transport });
      await placeThroughUi(el, room, 50, 50, 'After a new token');
    });
  }
});

describe('<image-chat> retry', () => {
  it('a change that failed offline is sent again, identical, by Retry once back online', async () => {
    const room = uniqueRoom();
    const { el, connections } = await watched(room, await serverUrl());
    await waitForReady(el);
    const onLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      window.dispatchEvent(new Event('offline'));
      await waitUntil(() => connections.at(-1)?.state === 'offline', 'never went offline');
      await clickAt(el, 40, 60);
      await sendKeys({ type: 'Written in a tunnel' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.shadowRoot!.querySelector('.panel .error .retry'), 'no Retry button with the error');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
      Object.defineProperty(Navigator.prototype, 'onLine', onLine);
      window.dispatchEvent(new Event('online'));
    }
    await waitUntil(() => connections.at(-1)?.state === 'open', 'never came back online', { timeout: 5000 });
    expect(await fetchMarkers(room)).to.have.length(0); // nothing was sent by itself
    q<HTMLButtonElement>(el, '.panel .error .retry').click();
    await waitUntil(async () => (await fetchMarkers(room)).length === 1, 'Retry did not save it', { timeout: 5000 });
    await waitForMarkers(el, 1);
    expect((await fetchMarkers(room))[0].comments[0].text).to.equal('Written in a tunnel');
  });
});
