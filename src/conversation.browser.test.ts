/**
 * Conversations as a team holds them (issue 10): markers keep their number for good, anyone in the room resolves,
 * deleting asks first.
 */
import { expect, waitUntil } from '@open-wc/testing';
import './image-chat.js';
import { RawClient, chat, fetchMarkers, markerButtons, q, uniqueRoom, waitForMarkers } from './test/helpers.js';

describe('<image-chat> conversations', () => {
  it("shows each marker's own number, which a delete leaves as it was", async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    const ids = [];
    for (const [i, x] of [10, 40, 70].entries()) ids.push(await raw.createMarker(room, x, 50, `Point ${i + 1}`));
    await raw.send({ type: 'delete-marker', room, broadcastId: crypto.randomUUID(), markerId: ids[1]! });
    const el = await chat(room);
    const pins = await waitForMarkers(el, 2);
    expect(pins.map((b) => b.textContent!.trim())).to.deep.equal(['1', '3']);
    expect(pins[1]!.getAttribute('aria-label')).to.match(/^Marker 3 by /);
    pins[1]!.click();
    await el.updateComplete;
    expect(q(el, '.panel-title').textContent!.replace(/\s+/g, ' ').trim()).to.equal('3Marker 3');
    // A new marker gets the room's next number, never a freed one.
    await raw.subscribe(room);
    await raw.createMarker(room, 50, 20, 'Point 4');
    await waitForMarkers(el, 3);
    expect(markerButtons(el).map((b) => b.textContent!.trim())).to.deep.equal(['1', '3', '4']);
    await waitUntil(() => q(el, '.visually-hidden[aria-live="polite"]').textContent!.includes('New marker 4 by'), 'marker 4 not announced');
    raw.close();
  });

  it("lets anyone resolve and reopen another user's marker, but not move or delete it", async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 50, 50, 'Fixed yet?');
    const el = await chat(room);
    const [pin] = await waitForMarkers(el, 1);
    pin!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.panel-actions .move, .panel-actions .icon-button.danger')).to.not.exist;
    const resolve = q<HTMLButtonElement>(el, '.panel-actions .button');
    expect(resolve.textContent!.trim()).to.equal('Resolve');
    resolve.click();
    await waitUntil(async () => (await fetchMarkers(room))[0]!.resolved, 'resolve never saved');
    await el.updateComplete;
    expect(markerButtons(el)[0]!.classList.contains('resolved')).to.be.true;
    expect(q(el, '.panel-actions .button').textContent!.trim()).to.equal('Reopen');
    q<HTMLButtonElement>(el, '.panel-actions .button').click();
    await waitUntil(async () => !(await fetchMarkers(room))[0]!.resolved, 'reopen never saved');
    raw.close();
  });
});
