import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { Marker } from '../protocol/index.js';
import type { ImageChat } from './image-chat.js';
import './image-chat.js';
import { writeCachedRoom } from './cache/room-cache.js';
import { markerButtons, q, testImage, uniqueRoom } from './test/helpers.js';

/** Nobody listens there: the image-chat server is unreachable. */
const DOWN = 'http://127.0.0.1:9';
/** A token naming a user (never verified: the server is down). */
const token = (sub: string) => `h.${btoa(JSON.stringify({ sub, name: sub })).replace(/=+$/, '')}.s`;

function marker(id: string, x: number, y: number): Marker {
  const author = { id: 'u-ana', name: 'Ana' };
  return { id, x, y, resolved: false, createdAt: 1, author, comments: [{ id: `${id}-c`, text: `Saved ${id}`, createdAt: 1, author }] };
}

async function offlineChat(room: string, userToken: string, locale = 'en'): Promise<ImageChat> {
  return fixture<ImageChat>(
    html`<image-chat src=${testImage()} alt="Mockup" room=${room} server=${DOWN} .token=${userToken} locale=${locale} style="width: 800px"></image-chat>`,
  );
}

describe('<image-chat> cached markers', () => {
  it("shows the user's saved markers while the server is unreachable, read-only, saying so", async () => {
    const room = uniqueRoom();
    const savedAt = new Date(2026, 0, 1, 14, 2).getTime();
    await writeCachedRoom({ server: DOWN, tenant: 'demo', userId: 'u-ana', room }, { epoch: 'e1', seq: 2, markers: [marker('a', 20, 20), marker('b', 60, 60)], savedAt });
    const el = await offlineChat(room, token('u-ana'));
    await waitUntil(() => markerButtons(el).length === 2, 'the cached markers never showed');
    await waitUntil(() => q(el, '[part="status"]').textContent!.includes('saved at'), 'the status never said so');
    const status = q(el, '[part="status"]');
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent).to.match(/Offline — showing markers saved at .*2:02.*Read-only/);
    expect(q(el, '.surface').hasAttribute('tabindex')).to.equal(false, 'no marker can be placed');
    expect(q(el, '.surface').getAttribute('aria-label')).to.contain('read-only');
    el.remove();
  });

  it('says it in pt-BR too', async () => {
    const room = uniqueRoom();
    await writeCachedRoom({ server: DOWN, tenant: 'demo', userId: 'u-ana', room }, { epoch: 'e1', seq: 1, markers: [marker('a', 20, 20)], savedAt: Date.now() });
    const el = await offlineChat(room, token('u-ana'), 'pt-BR');
    await waitUntil(() => q(el, '[part="status"]').textContent!.includes('salvos às'), 'the status never said so');
    expect(q(el, '[part="status"]').textContent).to.contain('Somente leitura');
    el.remove();
  });

  it("never shows one user's saved markers to another", async () => {
    const room = uniqueRoom();
    await writeCachedRoom({ server: DOWN, tenant: 'demo', userId: 'u-ana', room }, { epoch: 'e1', seq: 1, markers: [marker('a', 20, 20)], savedAt: Date.now() });
    const el = await offlineChat(room, token('u-bob'));
    await waitUntil(() => /Reconnecting|Connecting/.test(q(el, '[part="status"]').textContent!), 'never tried to connect', { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 400)); // longer than the cache read may take
    expect(markerButtons(el)).to.have.length(0);
    el.remove();
  });
});
