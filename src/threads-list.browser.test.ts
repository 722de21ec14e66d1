/** The threads list (`part="threads"`): every thread of the room at a glance, filtered; choosing one opens it. */
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './image-chat.js';
import type { ImageChat } from './image-chat.js';
import { RawClient, chat, markerButtons, q, uniqueRoom, waitForMarkers } from './test/helpers.js';

const items = (el: ImageChat) => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="threads"] .thread-item')];
const numbers = (el: ImageChat) => items(el).map((b) => b.querySelector('.badge')!.textContent!.trim());

/** A room with markers 1, 2 (resolved, with a reply) and 3, by another user, shown in an element. */
async function roomOfThree(): Promise<ImageChat> {
  const raw = await RawClient.connect();
  const room = uniqueRoom();
  const ids = [await raw.createMarker(room, 20, 30, 'Logo is too small'), await raw.createMarker(room, 50, 60, 'Wrong   font\nhere'), await raw.createMarker(room, 80, 30, 'Button colour')];
  await raw.send({ type: 'add-comment', room, broadcastId: crypto.randomUUID(), markerId: ids[1]!, comment: { id: crypto.randomUUID(), text: 'Fixed' } });
  await raw.send({ type: 'resolve-marker', room, broadcastId: crypto.randomUUID(), markerId: ids[1]!, resolved: true });
  raw.close();
  const el = await chat(room);
  await waitForMarkers(el, 3);
  return el;
}

function setFilter(el: ImageChat, value: 'open' | 'resolved' | 'all'): Promise<boolean> {
  const select = q<HTMLSelectElement>(el, '[part="threads"] select');
  select.value = value;
  select.dispatchEvent(new Event('change'));
  return el.updateComplete;
}

describe('<image-chat> threads list', () => {
  it('lists every thread with number, first words, author, replies and state; the filter narrows it', async () => {
    const el = await roomOfThree();
    const toggle = q<HTMLButtonElement>(el, '.threads-toggle');
    expect(toggle.textContent!.trim()).to.equal('Threads (2 open)');
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(el.shadowRoot!.querySelector('[part="threads"]')).to.not.exist;
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(numbers(el)).to.deep.equal(['1', '2', '3']);
    await expect(el).to.be.accessible(); // the list open, the presence stack shown
    const second = items(el)[1]!;
    expect(second.querySelector('.thread-item-text')!.textContent).to.equal('Wrong font here');
    expect(second.textContent!.replace(/\s+/g, ' ').trim()).to.match(/^2 Marker 2: Wrong font here Guest \w+ · 1 reply · Resolved$/);
    await setFilter(el, 'open');
    expect(numbers(el)).to.deep.equal(['1', '3']);
    await setFilter(el, 'resolved');
    expect(numbers(el)).to.deep.equal(['2']);
    await setFilter(el, 'all');
    expect(numbers(el)).to.have.length(3);
  });

  it('opens the chosen thread on the picture', async () => {
    const el = await roomOfThree();
    q<HTMLButtonElement>(el, '.threads-toggle').click();
    await el.updateComplete;
    await setFilter(el, 'resolved');
    items(el)[0]!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="threads"]'), 'the list makes way for the thread').to.not.exist;
    expect(q(el, '[part="thread"] .panel-title').textContent).to.contain('Marker 2');
    const open = markerButtons(el).find((b) => b.getAttribute('aria-expanded') === 'true')!;
    expect(open.textContent!.trim()).to.equal('2');
    await waitUntil(() => q(el, '[part="thread"]').contains(el.shadowRoot!.activeElement), 'focus never went into the thread');
  });

  it('hides resolved markers on the picture with its switch', async () => {
    const el = await roomOfThree();
    q<HTMLButtonElement>(el, '.threads-toggle').click();
    await el.updateComplete;
    const hide = q<HTMLInputElement>(el, '[part="threads"] input[role="switch"]');
    hide.click();
    await el.updateComplete;
    expect(markerButtons(el).map((b) => b.textContent!.trim())).to.deep.equal(['1', '3']);
    expect(numbers(el), 'the list still has them all').to.deep.equal(['1', '2', '3']);
    hide.click();
    await el.updateComplete;
    expect(markerButtons(el)).to.have.length(3);
  });

  it('is keyboard navigable: arrows move between threads, Escape closes the list back to its toggle', async () => {
    const el = await roomOfThree();
    const toggle = q<HTMLButtonElement>(el, '.threads-toggle');
    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    items(el)[0]!.focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(el.shadowRoot!.activeElement).to.equal(items(el)[1]);
    await sendKeys({ press: 'End' });
    expect(el.shadowRoot!.activeElement).to.equal(items(el)[2]);
    await sendKeys({ press: 'ArrowUp' });
    expect(el.shadowRoot!.activeElement).to.equal(items(el)[1]);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="threads"]')).to.not.exist;
    await waitUntil(() => el.shadowRoot!.activeElement === toggle, 'focus never came back to the toggle');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    items(el)[1]!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(q(el, '[part="thread"] .panel-title').textContent).to.contain('Marker 2');
  });
});
