import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { ImageChat } from './image-chat.js';
import './image-chat.js';
import { clickAt, q, serverUrl, testImage, uniqueRoom, waitForMarkers, waitForReady } from './test/helpers.js';

/** The viewport the other test files expect. */
const DEFAULT_VIEWPORT = { width: 800, height: 600 };

/** An element 800 px wide (400 px high) below `above` px of page, on a fresh room, ready. */
async function chatBelow(above: number): Promise<ImageChat> {
  const wrapper = await fixture<HTMLDivElement>(html`<div>
    <div style=${`height:${above}px`}></div>
    <image-chat src=${testImage()} alt="Mockup" room=${uniqueRoom()} server=${await serverUrl()} locale="en" style="width: 800px"></image-chat>
  </div>`);
  const el = wrapper.querySelector('image-chat')!;
  await waitForReady(el);
  await waitUntil(() => el.shadowRoot!.querySelector('img')!.complete, 'image never loaded');
  await el.updateComplete;
  return el;
}

/** Places a marker as the element's own user (click, type, send): its thread opens, with the author's actions. */
async function placeOwn(el: ImageChat, x: number, y: number, text: string): Promise<void> {
  await clickAt(el, x, y);
  const textarea = q<HTMLTextAreaElement>(el, '#draft-text');
  textarea.value = text;
  textarea.dispatchEvent(new InputEvent('input'));
  await el.updateComplete;
  q<HTMLButtonElement>(el, '.panel button[type="submit"]').click();
  await waitForMarkers(el, 1);
  await waitUntil(() => el.shadowRoot!.querySelector('.panel .comment'), 'the thread never opened');
}

function expectInside(inner: DOMRect, outer: { left: number; top: number; right: number; bottom: number }, what: string): void {
  expect(inner.left, `${what}: left`).to.be.at.least(outer.left - 0.5);
  expect(inner.top, `${what}: top`).to.be.at.least(outer.top - 0.5);
  expect(inner.right, `${what}: right`).to.be.at.most(outer.right + 0.5);
  expect(inner.bottom, `${what}: bottom`).to.be.at.most(outer.bottom + 0.5);
}

describe('<image-chat> panels fit', () => {
  afterEach(() => setViewport(DEFAULT_VIEWPORT));

  it("keeps the author's thread header on one title line, with Reopen, Move, delete and close inside the panel", async () => {
    await setViewport({ width: 900, height: 700 });
    const el = await chatBelow(0);
    await placeOwn(el, 30, 30, 'Header check');
    const resolve = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.panel-actions .button')].find((b) => b.textContent!.trim() === 'Resolve');
    resolve!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.panel .status-tag'), 'never shown resolved');
    const title = q(el, '.panel-title');
    const badge = q(el, '.panel-title .badge').getBoundingClientRect();
    // One line: the title is no taller than its tallest item, and the number sits level with the word "Marker".
    expect(title.getBoundingClientRect().height).to.be.at.most(32);
    expect(title.textContent!.replace(/\s+/g, ' ').trim()).to.equal('1Marker 1 Resolved');
    const panel = q(el, '.panel').getBoundingClientRect();
    const buttons = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.panel-header button')];
    expect(buttons.map((b) => b.textContent!.trim() || b.getAttribute('aria-label'))).to.deep.equal(['Reopen', 'Move', 'Delete marker', 'Close']);
    for (const b of buttons) expectInside(b.getBoundingClientRect(), panel, b.textContent!.trim() || b.getAttribute('aria-label')!);
    expect(badge.height).to.be.greaterThan(0);
  });

  it('keeps a thread near the bottom of a small window inside the window, Reply button included', async () => {
    await setViewport({ width: 900, height: 520 });
    // The marker is in the picture's upper half but low in the window: the panel must grow upwards.
    const el = await chatBelow(320);
    const img = q(el, 'img').getBoundingClientRect();
    expect(img.top + img.height * 0.25, 'the spot is in the lower half of the window').to.be.within(innerHeight / 2, innerHeight - 20);
    const scrolled = scrollY;
    await placeOwn(el, 50, 25, 'Near the fold');
    expect(scrollY, 'the page did not have to jump to show the thread').to.equal(scrolled);
    expect(q(el, '.marker').getBoundingClientRect().bottom, 'the pin is in the window').to.be.at.most(innerHeight);
    const window = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    expectInside(q(el, '.panel').getBoundingClientRect(), window, 'the thread');
    expectInside(q(el, '.panel .composer button[type="submit"]').getBoundingClientRect(), window, 'its Reply button');
  });

  it('shrinks a thread to the room the window has beside its pin; its comments scroll, Reply stays in view', async () => {
    await setViewport({ width: 900, height: 260 });
    const el = await chatBelow(0);
    await placeOwn(el, 50, 50, 'A window shorter than a thread');
    const window = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
    expectInside(q(el, '.panel').getBoundingClientRect(), window, 'the thread');
    expectInside(q(el, '.panel .composer button[type="submit"]').getBoundingClientRect(), window, 'its Reply button');
    expect(getComputedStyle(q(el, '.comments')).overflowY).to.equal('auto');
  });
});
