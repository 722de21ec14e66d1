// Keyboard and focus in Chromium against the real server: moving a marker by keyboard, focus kept in the thread
// after a reply sent with the mouse, and the visible hint on the focused picture.
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import './image-chat.js';
import type { ImageChat } from './image-chat.js';
import { RawClient, centre, chat, clickAt, fetchMarkers, markerButtons, q, uniqueRoom, waitForMarkers } from './test/helpers.js';

/** Creates a marker through the UI, as this element's user (its thread then stays open), and waits for the server. */
async function createOwn(el: ImageChat, room: string, x: number, y: number, text: string): Promise<void> {
  await clickAt(el, x, y);
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
  await waitUntil(async () => (await fetchMarkers(room)).some((m) => m.comments[0]?.text === text), 'marker never saved');
  await el.updateComplete;
}

const moveButton = (el: ImageChat) => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.panel-actions .button')].find((b) => b.textContent!.trim() === 'Move');

describe('<image-chat> keyboard and focus', () => {
  it("moves its author's marker by keyboard: Move, arrows, Enter; focus back on the marker", async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    await createOwn(el, room, 30, 40, 'Move me');
    moveButton(el)!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="thread"]'), 'the thread closes').to.not.exist;
    expect(el.shadowRoot!.activeElement).to.equal(q(el, '.surface'));
    expect(q(el, '.hint').textContent).to.contain('Moving the marker');
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'ArrowUp' });
    await el.updateComplete;
    // Shown where it goes while moving: on the crosshair.
    expect(centre(markerButtons(el)[0]).x).to.be.closeTo(centre(q(el, '.crosshair')).x, 1);
    await sendKeys({ press: 'Enter' });
    await waitUntil(async () => (await fetchMarkers(room))[0].x !== 30, 'the move never reached the server');
    const [saved] = await fetchMarkers(room);
    expect([Math.round(saved.x), Math.round(saved.y)]).to.deep.equal([50, 39]);
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(markerButtons(el)[0]);
  });

  it('cancels a keyboard move with Escape: the marker stays, nothing is sent', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    await createOwn(el, room, 60, 60, 'Stay');
    const before = centre(markerButtons(el)[0]);
    moveButton(el)!.click();
    await el.updateComplete;
    await sendKeys({ press: 'Shift+ArrowDown' });
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.crosshair')).to.not.exist;
    // The same spot: to within a pixel's rounding (a re-render may measure the stage a few millionths of a pixel off).
    const after = centre(markerButtons(el)[0]);
    expect(after.x).to.be.closeTo(before.x, 0.01);
    expect(after.y).to.be.closeTo(before.y, 0.01);
    expect(el.shadowRoot!.activeElement).to.equal(markerButtons(el)[0]);
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetchMarkers(room))[0]).to.include({ x: 60, y: 60 });
  });

  it('offers no Move on markers the user may not change', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 50, 50, 'Not yours');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    expect(moveButton(el)).to.be.undefined;
    raw.close();
  });

  it('keeps focus in the thread after a reply sent with the mouse, so Escape still closes it', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 40, 40, 'Reply with the mouse');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    await sendKeys({ type: 'A reply' });
    await el.updateComplete;
    const send = q<HTMLButtonElement>(el, '.panel form button[type="submit"]');
    const { x, y } = centre(send);
    await sendMouse({ type: 'click', position: [Math.round(x), Math.round(y)] });
    await waitUntil(async () => (await fetchMarkers(room))[0].comments.length === 2, 'the reply never reached the server');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement, 'focus in the thread').to.equal(q(el, '.panel textarea'));
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="thread"]')).to.not.exist;
    expect(el.shadowRoot!.activeElement).to.equal(markerButtons(el)[0]);
    raw.close();
  });

  it('shows a visible hint while the picture has keyboard focus', async () => {
    const el = await chat(uniqueRoom());
    const hint = q(el, '.focus-hint');
    expect(getComputedStyle(hint).display).to.equal('none');
    await sendKeys({ press: 'Tab' }); // into the page: the picture is its first stop
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(q(el, '.surface'));
    expect(getComputedStyle(hint).display).to.not.equal('none');
    expect(hint.textContent!.trim()).to.equal('Press Enter to place a marker');
    await sendKeys({ press: 'Enter' }); // placing: the placing hint instead
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.focus-hint')).to.not.exist;
    expect(q(el, '.hint').textContent).to.contain('Placing a marker');
  });
});
