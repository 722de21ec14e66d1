/**
 * Conversations as a team holds them (issue 10): markers keep their number for good, anyone in the room resolves,
 * deleting asks first.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './image-chat.js';
import type { ImageChat } from './image-chat.js';
import { RawClient, chat, clickAt, fetchMarkers, markerButtons, q, uniqueRoom, waitForMarkers } from './test/helpers.js';

/** The element that has focus inside the element's shadow root. */
const focused = (el: ImageChat) => el.shadowRoot!.activeElement;

/** A marker of this element's user, with `replies` replies by another user, its thread open. */
async function ownMarkerWithReplies(replies: number) {
  const room = uniqueRoom();
  const el = await chat(room);
  await clickAt(el, 40, 40);
  await sendKeys({ type: 'Mine' });
  await sendKeys({ press: 'Enter' });
  await waitUntil(async () => (await fetchMarkers(room)).length === 1, 'marker never saved');
  const markerId = (await fetchMarkers(room))[0]!.id;
  const raw = await RawClient.connect();
  for (let i = 1; i <= replies; i++) {
    await raw.send({ type: 'add-comment', room, broadcastId: crypto.randomUUID(), markerId, comment: { id: crypto.randomUUID(), text: `Reply ${i}` } });
  }
  raw.close();
  await waitUntil(() => el.shadowRoot!.querySelectorAll('.comment').length === replies + 1, 'replies never shown');
  return { room, el };
}

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

  it('asks before deleting a marker, naming what goes; Escape cancels and focus returns; Delete deletes', async () => {
    const { room, el } = await ownMarkerWithReplies(3);
    q<HTMLButtonElement>(el, '.panel-actions .icon-button.danger').click();
    await el.updateComplete;
    await waitUntil(() => focused(el)?.classList.contains('confirm'), 'focus never moved to the question');
    const question = q(el, '.confirm');
    expect(question.getAttribute('role')).to.equal('group');
    expect(q(el, `#${question.getAttribute('aria-labelledby')}`).textContent).to.equal('Delete this thread and its 3 replies?');
    expect((await fetchMarkers(room))).to.have.length(1, 'nothing deleted before the yes');
    await expect(el).to.be.accessible();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.confirm')).to.not.exist;
    expect(el.shadowRoot!.querySelector('[part="thread"]'), 'Escape put the question away, not the thread').to.exist;
    await waitUntil(() => focused(el)?.matches('.panel-actions .icon-button.danger'), 'focus never came back to the delete button');
    expect(markerButtons(el)).to.have.length(1);
    q<HTMLButtonElement>(el, '.panel-actions .icon-button.danger').click();
    await el.updateComplete;
    q<HTMLButtonElement>(el, '.confirm .button.danger').click();
    await waitUntil(async () => (await fetchMarkers(room)).length === 0, 'marker never deleted');
    await waitForMarkers(el, 0);
  });

  it('asks before deleting a comment; Cancel keeps it, Delete deletes it', async () => {
    const { room, el } = await ownMarkerWithReplies(1);
    // Own comment: the first; the reply is someone else's and offers no delete.
    expect(el.shadowRoot!.querySelectorAll('.comment .link-button.danger')).to.have.length(1);
    q<HTMLButtonElement>(el, '.comment .link-button.danger').click();
    await el.updateComplete;
    await waitUntil(() => focused(el)?.classList.contains('confirm'), 'focus never moved to the question');
    expect(q(el, '.comment .confirm-question').textContent).to.equal('Delete this comment?');
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.confirm .button')].find((b) => b.textContent === 'Cancel')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.confirm')).to.not.exist;
    await waitUntil(() => focused(el)?.matches('.comment .link-button.danger'), 'focus never came back to the comment delete');
    q<HTMLButtonElement>(el, '.comment .link-button.danger').click();
    await el.updateComplete;
    q<HTMLButtonElement>(el, '.confirm .button.danger').click();
    await waitUntil(async () => (await fetchMarkers(room))[0]?.comments.length === 1, 'comment never deleted');
    expect((await fetchMarkers(room))[0]!.comments[0]!.text).to.equal('Reply 1');
  });
});
