/** Who else is viewing (`part="presence"`): two people on two guest identities see each other come and go. */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import './image-chat.js';
import type { ImageChat } from './image-chat.js';
import { RawClient, chat, otherServerUrl, q, testImage, uniqueRoom, waitForReady } from './test/helpers.js';

const userOf = (el: ImageChat) => (el as unknown as { sync: { user: { id: string; name: string } | null } }).sync.user!;
const stack = (el: ImageChat) => el.shadowRoot!.querySelector<HTMLElement>('[part="presence"]');
const avatarIds = (el: ImageChat) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part="presence"] .avatar[data-user-id]')].map((a) => a.dataset.userId);

describe('<image-chat> presence', () => {
  it('shows who views the room as avatars with a count, and announces politely who arrives (WebSocket and SSE)', async () => {
    const room = uniqueRoom();
    const ana = await chat(room);
    const events: { count: number; viewers: { id: string }[] }[] = [];
    ana.addEventListener('image-chat-presence', (e) => events.push(e.detail));
    await waitUntil(() => stack(ana)?.getAttribute('aria-label') === '1 person viewing', 'no presence for the first viewer', { timeout: 5000 });
    expect(avatarIds(ana)).to.deep.equal([userOf(ana).id]);
    const live = q(ana, '[part="presence"] .presence-live');
    expect(live.getAttribute('aria-live')).to.equal('polite');
    expect(live.textContent!.trim(), 'those already here are not announced').to.equal('');

    // Another person: the same server under another host name, so another connection and another guest; over SSE,
    // so that both transports carry presence.
    const bob = await fixture<ImageChat>(html`<image-chat src=${testImage()} alt="Test mockup" room=${room} server=${await otherServerUrl()} transport="sse" locale="en" style="width: 800px"></image-chat>`);
    await waitForReady(bob);
    expect(userOf(bob).id).to.not.equal(userOf(ana).id);
    await waitUntil(() => stack(ana)?.getAttribute('aria-label') === '2 people viewing', 'ana never saw bob', { timeout: 5000 });
    expect(avatarIds(ana)).to.deep.equal([userOf(ana).id, userOf(bob).id]);
    expect(q(ana, '.presence-count').textContent!.trim()).to.equal('2');
    expect(live.textContent!.trim()).to.equal(`${userOf(bob).name} is now viewing`);
    expect(events.at(-1)).to.deep.include({ count: 2 });
    expect(events.at(-1)!.viewers.map((v) => v.id)).to.deep.equal([userOf(ana).id, userOf(bob).id]);
    await waitUntil(() => stack(bob)?.getAttribute('aria-label') === '2 people viewing', 'bob never saw ana', { timeout: 5000 });
    expect(q(bob, '[part="presence"] .presence-live').textContent!.trim(), 'bob is told of nobody: ana was here').to.equal('');

    bob.remove();
    await waitUntil(() => stack(ana)?.getAttribute('aria-label') === '1 person viewing', 'bob never left', { timeout: 6000 });
    expect(avatarIds(ana)).to.deep.equal([userOf(ana).id]);
  });

  it('stacks at most four avatars, then sums up the rest as +N', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    const others = await Promise.all(Array.from({ length: 5 }, () => RawClient.connect()));
    for (const other of others) await other.subscribe(room);
    await waitUntil(() => stack(el)?.getAttribute('aria-label') === '6 people viewing', 'never saw six', { timeout: 5000 });
    expect(avatarIds(el)).to.have.length(3);
    expect(q(el, '[part="presence"] .avatar.more').textContent).to.equal('+3');
    expect(q(el, '[part="presence"] .presence-live').textContent).to.match(/^Guest .+ (is|are) now viewing$/); // arrivals may come in more than one message
    for (const other of others) other.close();
  });
});
