import { expect, waitUntil } from '@open-wc/testing';
import type { WelcomeMessage } from '../protocol/index.js';
import { avatarColour, initials } from './core/avatar.js';
import './image-chat.js';
import { RawClient, chat, q, uniqueRoom, waitForMarkers } from './test/helpers.js';

/** `rgb(r, g, b)` of `#rrggbb`, as getComputedStyle reports colours. */
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

describe('<image-chat> avatars', () => {
  it("show each author's own colour and initials, from their id and name", async () => {
    const raw = await RawClient.connect();
    const other = (await raw.next<WelcomeMessage>((m) => m.type === 'welcome')).user;
    const room = uniqueRoom();
    await raw.createMarker(room, 40, 40, 'From the other guest');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    // A reply by the element's own guest: a second author in the same thread.
    const textarea = q<HTMLTextAreaElement>(el, '.panel textarea');
    textarea.value = 'And from me';
    textarea.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    q<HTMLButtonElement>(el, '.panel .composer button[type="submit"]').click();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.comment').length === 2, 'the reply shows');
    const me = (el as unknown as { sync: { user: { id: string; name: string } } }).sync.user;
    expect(me.id).to.not.equal(other.id);

    const avatars = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.comment .avatar')];
    expect(avatars.map((a) => a.textContent!.trim())).to.deep.equal([initials(other.name), initials(me.name)]);
    expect(avatars[0].textContent!.trim(), 'a guest gets two initials ("Guest Otter" → "GO")').to.have.length(2);
    expect(getComputedStyle(avatars[0]).backgroundColor).to.equal(rgb(avatarColour(other.id)));
    expect(getComputedStyle(avatars[1]).backgroundColor).to.equal(rgb(avatarColour(me.id)));
    await expect(el).to.be.accessible();
    raw.close();
  });
});
