import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import './image-chat.js';
import type { ImageChat } from './image-chat.js';
import { RawClient, centre, chat, clickAt, fetchMarkers, markerButtons, q, serverUrl, testImage, uniqueRoom, waitForMarkers, waitForReady } from './test/helpers.js';

/** Creates a marker through the UI, as this element's user, and waits until the server has it. */
async function createOwn(el: ImageChat, room: string, x: number, y: number, text: string): Promise<HTMLButtonElement> {
  await clickAt(el, x, y);
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
  await waitUntil(async () => (await fetchMarkers(room)).some((m) => m.comments[0]?.text === text), 'marker never saved');
  await el.updateComplete;
  return markerButtons(el).find((b) => b.getAttribute('aria-label')!.endsWith(text))!;
}

describe('<image-chat> interactions', () => {
  it('edits and deletes its own comments; deleting the last one deletes the marker', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    await createOwn(el, room, 30, 30, 'Frist');
    // The thread of a newly created marker stays open.
    await waitUntil(() => el.shadowRoot!.querySelector('.comment .link-button'), 'no edit button on own comment');
    q<HTMLButtonElement>(el, '.comment .link-button').click(); // Edit
    await el.updateComplete;
    const editor = q<HTMLTextAreaElement>(el, '.comment textarea');
    editor.value = 'First';
    editor.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    q<HTMLButtonElement>(el, '.comment button[type="submit"]').click();
    await waitUntil(async () => (await fetchMarkers(room))[0]?.comments[0].text === 'First', 'edit never saved');
    await el.updateComplete;
    expect(q(el, '.comment .edited').textContent).to.equal('(edited)');
    const changes: string[] = [];
    el.addEventListener('image-chat-change', (e) => changes.push(`${e.detail.kind}/${e.detail.origin}`));
    q<HTMLButtonElement>(el, '.comment .link-button.danger').click();
    await el.updateComplete;
    q<HTMLButtonElement>(el, '.confirm .button.danger').click(); // deleting asks first (conversation.browser.test.ts)
    await waitUntil(() => changes.includes('deleted/local'), `no local delete reported: ${changes}`);
    expect(markerButtons(el)).to.have.length(0);
    expect(await fetchMarkers(room)).to.have.length(0);
  });

  it('resolves and reopens its own marker', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    await createOwn(el, room, 60, 40, 'Resolve me');
    const resolve = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.panel-actions .button')].find((b) => b.textContent!.trim() === 'Resolve')!;
    resolve.click();
    await el.updateComplete;
    expect(markerButtons(el)[0].classList.contains('resolved')).to.be.true;
    await waitUntil(async () => (await fetchMarkers(room))[0].resolved, 'resolve never saved');
    q<HTMLButtonElement>(el, '.panel-actions .button').click(); // now "Reopen"
    await waitUntil(async () => !(await fetchMarkers(room))[0].resolved, 'reopen never saved');
  });

  it('drags its own marker to a new spot', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    const marker = await createOwn(el, room, 20, 20, 'Drag me');
    q<HTMLButtonElement>(el, '.panel .icon-button[aria-label="Close"]').click();
    await el.updateComplete;
    const from = centre(marker);
    const img = q(el, 'img').getBoundingClientRect();
    const to = { x: img.left + img.width * 0.7, y: img.top + img.height * 0.6 };
    await sendMouse({ type: 'move', position: [Math.round(from.x), Math.round(from.y)] });
    await sendMouse({ type: 'down' });
    await sendMouse({ type: 'move', position: [Math.round((from.x + to.x) / 2), Math.round((from.y + to.y) / 2)] });
    await sendMouse({ type: 'move', position: [Math.round(to.x), Math.round(to.y)] });
    await sendMouse({ type: 'up' });
    await waitUntil(async () => (await fetchMarkers(room))[0].x > 60, 'move never saved');
    const [saved] = await fetchMarkers(room);
    expect(saved.x).to.be.closeTo(70, 0.5);
    expect(saved.y).to.be.closeTo(60, 0.5);
    expect(el.shadowRoot!.querySelector('[part="thread"]')).to.not.exist; // a drag is not a click
    await el.updateComplete;
    const moved = centre(markerButtons(el)[0]);
    await sendMouse({ type: 'click', position: [Math.round(moved.x), Math.round(moved.y)] }); // a click is not a drag
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="thread"]')).to.exist;
  });

  it("offers no edit, delete or drag on other people's markers", async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 50, 50, 'Not yours');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    expect(marker.classList.contains('draggable')).to.be.false;
    marker.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.comment .link-button')).to.not.exist;
    expect(el.shadowRoot!.querySelector('.panel-actions .move')).to.not.exist;
    expect(el.shadowRoot!.querySelector('.panel-actions .icon-button.danger')).to.not.exist;
    expect(el.shadowRoot!.querySelector('.panel textarea')).to.exist; // anyone may reply
    expect(q(el, '.panel-actions .button').textContent!.trim()).to.equal('Resolve'); // and resolve
    raw.close();
  });

  it('opens a thread full-screen on a phone-sized screen', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 50, 50, 'Small screen');
    await setViewport({ width: 390, height: 800 });
    try {
      const el = await chat(room);
      el.style.width = '390px';
      const [marker] = await waitForMarkers(el, 1);
      marker.click();
      await el.updateComplete;
      const r = q(el, '[part="thread"]').getBoundingClientRect();
      expect([r.left, r.top, r.width, r.height]).to.deep.equal([0, 0, 390, 800]);
    } finally {
      await setViewport({ width: 1280, height: 800 });
      raw.close();
    }
  });

  it('shares one connection between elements with the same server, tenant and token, and only between those', async () => {
    const url = await serverUrl();
    // A token-less element first: its connection (new or shared with earlier tests) must not be the token's.
    await chat(uniqueRoom());
    // A token no other test has: the connection for it can only be new.
    const { token, user } = (await (await fetch(`${url}/api/guest?tenant=demo`, { method: 'POST' })).json()) as { token: string; user: { id: string } };
    const sockets: string[] = [];
    const Original = window.WebSocket;
    window.WebSocket = class extends Original {
      constructor(socketUrl: string | URL, protocols?: string | string[]) {
        super(socketUrl, protocols);
        sockets.push(String(socketUrl));
      }
    } as typeof WebSocket;
    try {
      const wrapper = await fixture(html`<div>
        <image-chat src=${testImage()} room=${uniqueRoom()} server=${url} .token=${token}></image-chat>
        <image-chat src=${testImage()} room=${uniqueRoom()} server=${url} .token=${token}></image-chat>
      </div>`);
      const elements = [...wrapper.querySelectorAll('image-chat')];
      for (const el of elements) await waitForReady(el);
      // Exactly one new socket, for both; and both act as the token's user (not as the token-less element's).
      expect(sockets.filter((s) => s.startsWith(url.replace('http', 'ws')))).to.have.length(1);
      for (const el of elements) expect((el as unknown as { sync: { user: { id: string } | null } }).sync.user?.id).to.equal(user.id);
    } finally {
      window.WebSocket = Original;
    }
  });

  it('re-authenticates in place when the token changes, keeping its subscription', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    const sockets: string[] = [];
    const Original = window.WebSocket;
    window.WebSocket = class extends Original {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(String(url));
      }
    } as typeof WebSocket;
    const raw = await RawClient.connect();
    try {
      const res = await fetch(`${await serverUrl()}/api/guest?tenant=demo`, { method: 'POST' });
      const { token, user } = (await res.json()) as { token: string; user: { id: string } };
      el.token = token;
      const sync = (el as unknown as { sync: { user: { id: string } | null } }).sync;
      await waitUntil(() => sync.user?.id === user.id, 'never became the token user');
      expect(sockets.filter((s) => !s.includes('localhost'))).to.have.length(0);
      await raw.createMarker(room, 50, 50, 'Still subscribed');
      await waitForMarkers(el, 1);
    } finally {
      window.WebSocket = Original;
      raw.close();
    }
  });

  it('re-subscribes cleanly when the room changes at run time', async () => {
    const raw = await RawClient.connect();
    const roomA = uniqueRoom();
    const roomB = uniqueRoom();
    // Both rooms at the same seq: an event of the old room, were it still heard, would be next in line for the new.
    await raw.createMarker(roomA, 10, 10, 'In A 1');
    await raw.createMarker(roomA, 20, 10, 'In A 2');
    const inB = [await raw.createMarker(roomB, 80, 80, 'In B 1'), await raw.createMarker(roomB, 70, 70, 'In B 2')];
    const el = await chat(roomA);
    await waitForMarkers(el, 2);
    el.room = roomB;
    const shown = () => markerButtons(el).map((b) => b.dataset.markerId!);
    await waitUntil(() => shown().length === 2 && inB.every((id) => shown().includes(id)), `expected room B's markers, saw ${shown()}`);
    const lateA = await raw.createMarker(roomA, 20, 20, 'Late in A'); // first: it reaches the element first, if at all
    const lateB = await raw.createMarker(roomB, 60, 60, 'Late in B');
    await waitUntil(() => shown().includes(lateB), `room B's new marker never showed; showing ${shown()}`);
    expect(shown()).to.have.members([...inB, lateB]);
    expect(shown()).to.not.include(lateA);
    raw.close();
  });

  it('fails an op at once while offline, keeps the text, and sends nothing later', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    const states: string[] = [];
    el.addEventListener('image-chat-connection', (e) => states.push(e.detail.state));
    const onLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    try {
      window.dispatchEvent(new Event('offline'));
      await waitUntil(() => states.includes('offline'), 'never went offline');
      await el.updateComplete;
      expect(q(el, '[part="status"]').textContent).to.contain('offline');
      await clickAt(el, 40, 60);
      await sendKeys({ type: 'Written on a train' });
      const failed = new Promise<CustomEvent>((resolve) => el.addEventListener('image-chat-error', resolve as EventListener, { once: true }));
      await sendKeys({ press: 'Enter' });
      expect((await failed).detail).to.include({ code: 'offline', action: 'create-marker' });
      await waitUntil(() => el.shadowRoot!.querySelector('#draft-text'), 'the composer did not come back');
      expect(q<HTMLTextAreaElement>(el, '#draft-text').value).to.equal('Written on a train');
      expect(q(el, '.panel .error').textContent).to.contain('offline');
      expect(markerButtons(el)).to.have.length(0);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).onLine;
      Object.defineProperty(Navigator.prototype, 'onLine', onLine);
      window.dispatchEvent(new Event('online'));
    }
    await waitUntil(() => states.at(-1) === 'open', 'never came back online', { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await fetchMarkers(room)).to.have.length(0); // nothing was queued and sent later
  });

  it('shows the connection status while the server cannot be reached', async () => {
    const states: string[] = [];
    const el = await fixture<ImageChat>(html`<image-chat src=${testImage()} room="nowhere" server="http://127.0.0.1:9" locale="en"
      @image-chat-connection=${(e: CustomEvent<{ state: string }>) => states.push(e.detail.state)}></image-chat>`);
    await waitUntil(() => states.includes('reconnecting'), 'never reported reconnecting', { timeout: 5000 });
    await el.updateComplete;
    const status = q(el, '[part="status"]');
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent).to.contain('Reconnecting');
    el.remove();
  });
});
