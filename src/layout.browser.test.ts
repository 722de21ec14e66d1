import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import './image-chat.js';
import type { ImageChat } from './image-chat.js';
import { RawClient, centre, expectedPoint, markerButtons, serverUrl, testImage, uniqueRoom, waitForMarkers, waitForReady } from './test/helpers.js';

const SPOTS: [number, number][] = [
  [10, 20],
  [50, 50],
  [90, 75],
];

/** A room with a marker at each spot; the markers' ids with their spots. */
async function seeded(): Promise<{ room: string; raw: RawClient; spots: Map<string, [number, number]> }> {
  const raw = await RawClient.connect();
  const room = uniqueRoom();
  const spots = new Map<string, [number, number]>();
  for (const [x, y] of SPOTS) spots.set(await raw.createMarker(room, x, y, `at ${x},${y}`), [x, y]);
  return { room, raw, spots };
}

async function nextFrames(el: ImageChat): Promise<void> {
  // ResizeObserver callbacks run before the next paint; the re-render they request follows.
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  await el.updateComplete;
}

/**
 * Every marker that should show (its spot on the visible picture, by the test's own geometry) shows, at its spot,
 * and no other does. Markers are found by id, so no marker can be skipped unchecked.
 */
function expectOnSpot(el: ImageChat, img: HTMLImageElement, spots: Map<string, [number, number]>): void {
  const r = img.getBoundingClientRect();
  const visible = [...spots].filter(([, [x, y]]) => {
    const p = expectedPoint(img, x, y);
    return p.x >= r.left - 0.5 && p.x <= r.right + 0.5 && p.y >= r.top - 0.5 && p.y <= r.bottom + 0.5;
  });
  const buttons = new Map(markerButtons(el).map((b) => [b.dataset.markerId!, b]));
  expect([...buttons.keys()], 'the markers shown').to.have.members(visible.map(([id]) => id));
  expect(visible.length, 'markers to check').to.be.greaterThan(0);
  for (const [id, [x, y]] of visible) {
    const expected = expectedPoint(img, x, y);
    const actual = centre(buttons.get(id)!);
    expect(actual.x, `x of ${x},${y}`).to.be.closeTo(expected.x, 1);
    expect(actual.y, `y of ${x},${y}`).to.be.closeTo(expected.y, 1);
  }
}

describe('<image-chat> layout', () => {
  it('keeps markers on the same spot of the picture when the element is resized', async () => {
    const { room, raw, spots } = await seeded();
    const el = await fixture<ImageChat>(html`<image-chat src=${testImage()} alt="Mockup" room=${room} server=${await serverUrl()} style="width: 800px"></image-chat>`);
    await waitForReady(el);
    await waitForMarkers(el, 3);
    const img = el.shadowRoot!.querySelector('img')!;
    await waitUntil(() => img.complete && img.naturalWidth === 800);
    await nextFrames(el);
    expectOnSpot(el, img, spots);
    for (const width of [400, 617, 1000]) {
      el.style.width = `${width}px`;
      await nextFrames(el);
      expectOnSpot(el, img, spots);
    }
    raw.close();
  });

  for (const fit of ['contain', 'cover'] as const) {
    it(`keeps markers on the picture of a slotted <img> with object-fit: ${fit}`, async () => {
      const { room, raw, spots } = await seeded();
      const el = await fixture<ImageChat>(html`
        <image-chat room=${room} server=${await serverUrl()} style="width: 500px">
          <img src=${testImage()} alt="Slotted mockup" style=${`width: 100%; height: 500px; object-fit: ${fit}`} />
        </image-chat>`);
      await waitForReady(el);
      const img = el.querySelector('img')!;
      await waitUntil(() => img.complete && img.naturalWidth === 800);
      await nextFrames(el);
      // cover at 500×500 crops 800×400 to its middle: x 25 %–75 % shows, so 10 % and 90 % are cropped away.
      await waitForMarkers(el, fit === 'cover' ? 1 : 3);
      expectOnSpot(el, img, spots);
      el.style.width = '300px';
      img.style.height = '200px';
      await nextFrames(el);
      expectOnSpot(el, img, spots);
      raw.close();
    });
  }
});
