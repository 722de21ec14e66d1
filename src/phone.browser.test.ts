import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { ImageChat } from './image-chat.js';
import './image-chat.js';
import { RawClient, centre, chat, clickAt, q, serverUrl, testImage, uniqueRoom, waitForMarkers, waitForReady } from './test/helpers.js';

/** The viewport the other test files expect. */
const DEFAULT_VIEWPORT = { width: 800, height: 600 };

/** The picture under the thread's header: visible, its image loaded, and the point (x %, y %) of it under the pin. */
async function expectPictureAround(el: ImageChat, x: number, y: number): Promise<void> {
  const view = q(el, '.panel .picture');
  const header = q(el, '.panel .panel-header').getBoundingClientRect();
  const r = view.getBoundingClientRect();
  expect(r.top, 'right under the header, at the top of the thread').to.be.closeTo(header.bottom, 1);
  expect(r.height, 'a good part of the screen').to.be.at.least(150);
  expect([r.left, r.width]).to.deep.equal([0, innerWidth]);
  const img = view.querySelector('img')!;
  await waitUntil(() => img.complete && img.naturalWidth > 0, 'the picture never loaded');
  const pin = centre(view.querySelector('.pin')!);
  expect(pin.x, 'the pin is in the middle').to.be.closeTo(r.left + r.width / 2, 1);
  expect(pin.y).to.be.closeTo(r.top + r.height / 2, 1);
  const shown = img.getBoundingClientRect();
  expect(shown.left + (shown.width * x) / 100, 'on the marker’s spot of the picture (x)').to.be.closeTo(pin.x, 1);
  expect(shown.top + (shown.height * y) / 100, '(y)').to.be.closeTo(pin.y, 1);
  expect(shown.width / shown.height, 'undistorted').to.be.closeTo(img.naturalWidth / img.naturalHeight, 0.01);
}

describe('<image-chat> on a phone', () => {
  afterEach(() => setViewport(DEFAULT_VIEWPORT));

  it('opens the thread full-screen on the part of the picture around its pin', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 80, 30, 'Is the logo too close to the edge?');
    await setViewport({ width: 390, height: 800 });
    const el = await chat(room);
    el.style.width = '390px';
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    await expectPictureAround(el, 80, 30);
    // The comments and the reply box follow below it.
    expect(q(el, '.panel .comment').getBoundingClientRect().top).to.be.at.least(q(el, '.panel .picture').getBoundingClientRect().bottom - 1);
    expect(q(el, '.panel textarea').getBoundingClientRect().bottom).to.be.at.most(innerHeight);
    await expect(el).to.be.accessible();
    raw.close();
  });

  it('shows the new marker’s spot above its first comment', async () => {
    await setViewport({ width: 390, height: 800 });
    const el = await chat(uniqueRoom());
    el.style.width = '390px';
    await el.updateComplete;
    await clickAt(el, 25, 60);
    const r = q(el, 'img[part="image"]').getBoundingClientRect();
    const draft = (el as unknown as { panels: { draft: { x: number; y: number } } }).panels.draft;
    expect(draft.x).to.be.closeTo(25, 100 / r.width);
    await expectPictureAround(el, draft.x, draft.y);
    expect(q(el, '.panel .pin').classList.contains('draft')).to.equal(true);
  });

  it('crops a slotted <img> with object-fit: contain around the pin too', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 20, 70, 'Letterboxed');
    await setViewport({ width: 390, height: 800 });
    const el = await fixture<ImageChat>(html`<image-chat room=${room} server=${await serverUrl()} locale="en" style="width: 390px">
      <img src=${testImage(400, 800)} alt="A phone mockup" style="width: 100%; height: 500px; object-fit: contain" />
    </image-chat>`);
    await waitForReady(el);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    await expectPictureAround(el, 20, 70);
    raw.close();
  });

  it('keeps the picture out of the thread on a wide screen, where the image itself is beside it', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 50, 50, 'Wide');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    expect(getComputedStyle(q(el, '.panel .picture')).display).to.equal('none');
    raw.close();
  });
});
