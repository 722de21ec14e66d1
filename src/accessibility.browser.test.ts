// axe-core (through @open-wc's chai-a11y-axe) over the element in every state a user sees, in the light and the dark
// theme: the focused picture with its hint, placing by keyboard, a new marker's composer, a thread with two authors
// (the author's actions shown), a resolved marker, and the phone view. Colour contrast included.
import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import type { ImageChat } from './image-chat.js';
import './image-chat.js';
import { RawClient, chat, clickAt, fetchMarkers, q, uniqueRoom, waitForMarkers } from './test/helpers.js';

for (const scheme of ['light', 'dark'] as const) {
  describe(`<image-chat> accessibility, ${scheme} system theme`, () => {
    before(() => emulateMedia({ colorScheme: scheme }));
    after(() => emulateMedia({ colorScheme: 'light' }));

    it('has no axe violations while placing, composing, and in a resolved thread of two authors', async () => {
      const raw = await RawClient.connect();
      const room = uniqueRoom();
      const other = await raw.createMarker(room, 70, 30, 'Somebody else’s remark');
      await raw.send({ type: 'resolve-marker', room, broadcastId: crypto.randomUUID(), markerId: other, resolved: true });
      const el: ImageChat = await chat(room);
      await waitForMarkers(el, 1);
      const accent = getComputedStyle(el).getPropertyValue('--image-chat-accent').trim();
      expect(accent, 'the theme in force').to.equal(scheme === 'dark' ? '#818cf8' : '#4f46e5');

      q(el, '.surface').focus(); // the keyboard hint shows
      await sendKeys({ press: 'Enter' }); // placing: the crosshair and its hint
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('.crosshair')).to.exist;
      await expect(el).to.be.accessible();
      await sendKeys({ press: 'Enter' }); // the new marker's composer
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('#draft-text')).to.exist;
      await expect(el).to.be.accessible();

      await sendKeys({ type: 'Mine' });
      await sendKeys({ press: 'Enter' });
      await waitUntil(async () => (await fetchMarkers(room)).length === 2, 'marker never saved');
      await waitUntil(() => el.shadowRoot!.querySelector('.panel .comment'), 'own thread never opened');
      await expect(el).to.be.accessible(); // the author's thread: Resolve, Move, Delete

      await clickAt(el, 5, 95); // closes it
      const [resolved] = (await waitForMarkers(el, 2)).filter((m) => m.part.contains('marker-resolved'));
      resolved.click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
      raw.close();
    });

    it('has no axe violations in the phone view', async () => {
      const raw = await RawClient.connect();
      const room = uniqueRoom();
      await raw.createMarker(room, 40, 60, 'On a phone');
      await setViewport({ width: 390, height: 800 });
      try {
        const el = await chat(room);
        el.style.width = '390px';
        const [marker] = await waitForMarkers(el, 1);
        marker.click();
        await el.updateComplete;
        expect(getComputedStyle(q(el, '.panel .picture')).display).to.equal('block');
        await expect(el).to.be.accessible();
      } finally {
        await setViewport({ width: 800, height: 600 });
        raw.close();
      }
    });
  });
}
