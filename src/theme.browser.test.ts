import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { ImageChat } from './image-chat.js';
import './image-chat.js';
import { RawClient, chat, q, uniqueRoom, waitForMarkers } from './test/helpers.js';

const WHITE = 'rgb(255, 255, 255)';
/** --image-chat-surface's dark value. */
const DARK_SURFACE = 'rgb(31, 41, 55)';

/** An element with one marker whose thread is open: the thread shows the surface colour, the marker the accent. */
async function openThread(theme?: string): Promise<{ el: ImageChat; raw: RawClient }> {
  const raw = await RawClient.connect();
  const room = uniqueRoom();
  await raw.createMarker(room, 30, 40, 'Is this readable in the dark?');
  const el = await chat(room);
  if (theme) el.setAttribute('theme', theme);
  const [marker] = await waitForMarkers(el, 1);
  marker.click();
  await el.updateComplete;
  return { el, raw };
}

/** WCAG contrast ratio of two opaque computed colours (`rgb(r, g, b)`). */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = colour.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const surface = (el: ImageChat) => getComputedStyle(q(el, '.panel')).backgroundColor;
const markerColour = (el: ImageChat) => getComputedStyle(q(el, '.marker')).backgroundColor;

describe('<image-chat> theme', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it('is auto by default and follows the system colour scheme', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const { el, raw } = await openThread();
    expect(el.theme).to.equal('auto');
    expect(surface(el)).to.equal(WHITE);
    const lightMarker = markerColour(el);
    await emulateMedia({ colorScheme: 'dark' });
    expect(surface(el)).to.equal(DARK_SURFACE);
    expect(markerColour(el), 'the markers change too').to.not.equal(lightMarker);
    await expect(el).to.be.accessible();
    raw.close();
  });

  it('theme="dark" forces the dark colours under a light system theme', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const { el, raw } = await openThread('dark');
    expect(surface(el)).to.equal(DARK_SURFACE);
    expect(getComputedStyle(q(el, '.panel textarea')).color, 'text on the dark surface').to.equal('rgb(243, 244, 246)');
    await expect(el).to.be.accessible();
    // The property reflects to the attribute the styles select on.
    el.theme = 'auto';
    await el.updateComplete;
    expect(el.getAttribute('theme')).to.equal('auto');
    expect(surface(el)).to.equal(WHITE);
    raw.close();
  });

  it('theme="light" forces the light colours under a dark system theme', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const { el, raw } = await openThread('light');
    expect(surface(el)).to.equal(WHITE);
    el.removeAttribute('theme'); // back to auto: the system's dark
    await el.updateComplete;
    expect(surface(el)).to.equal(DARK_SURFACE);
    raw.close();
  });

  for (const theme of ['light', 'dark']) {
    it(`draws a resolved marker's number at AA contrast (4.5:1) in ${theme}`, async () => {
      const raw = await RawClient.connect();
      const room = uniqueRoom();
      const markerId = await raw.createMarker(room, 50, 50, 'Fixed in v4');
      await raw.send({ type: 'resolve-marker', room, broadcastId: crypto.randomUUID(), markerId, resolved: true });
      const el = await chat(room);
      el.setAttribute('theme', theme);
      const [marker] = await waitForMarkers(el, 1);
      await el.updateComplete;
      expect(marker.part.contains('marker-resolved')).to.equal(true);
      const style = getComputedStyle(marker);
      expect(style.opacity).to.equal('1');
      expect(contrast(style.color, style.backgroundColor)).to.be.at.least(4.5);
      await expect(el).to.be.accessible();
      raw.close();
    });
  }

  it('throws a TypeError that names the values for an unknown theme', async () => {
    const { el, raw } = await openThread();
    el.theme = 'sepia' as ImageChat['theme'];
    const error = await el.updateComplete.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(TypeError);
    expect(String(error)).to.contain('theme must be one of auto, light, dark; got "sepia"');
    raw.close();
  });
});
