import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ImageChat } from './image-chat.js';
import { sendKeys } from '@web/test-runner-commands';
import './image-chat.js';
import {
  RawClient,
  centre,
  chat,
  clickAt,
  q,
  fetchMarkers,
  markerButtons,
  otherServerUrl,
  serverUrl,
  waitForReady,
  uniqueRoom,
  waitForMarkers,
} from './test/helpers.js';

describe('<image-chat>', () => {
  it('is accessible', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 30, 40, 'A first remark');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    await expect(el).to.be.accessible();
    marker.click(); // an open thread, with its composer
    await el.updateComplete;
    await expect(el).to.be.accessible();
    await clickAt(el, 80, 80); // closes the thread
    await clickAt(el, 80, 80); // a new-marker composer
    expect(el.shadowRoot!.querySelector('#draft-text')).to.exist;
    await expect(el).to.be.accessible();
    raw.close();
  });

  it('uses a slotted <img>: its src is the default room, its alt names the picture', async () => {
    const raw = await RawClient.connect();
    const src = `/mockups/${uniqueRoom()}.svg?${encodeURIComponent('v=1')}`;
    // The room is the src attribute as written, so the raw client can seed it without loading the image.
    await raw.createMarker(src, 50, 50, 'Seeded by src');
    const el = await fixture<ImageChat>(html`<image-chat server=${await serverUrl()}><img src=${src} alt="Slotted picture" /></image-chat>`);
    // The URL does not resolve to a picture: markers are not drawn, but the room and its state are there.
    await waitForReady(el);
    expect(el.shadowRoot!.querySelector('img')).to.not.exist;
    expect(q(el, '.surface').getAttribute('aria-label')).to.contain('Slotted picture');
    expect((el as unknown as { sync: { markers: unknown[] } }).sync.markers).to.have.length(1);
    raw.close();
  });

  it('renders the image and the markers already on the server', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 25, 50, 'Too much padding');
    await raw.createMarker(room, 75, 20, 'Logo is blurry');
    const el = await chat(room);
    const [first, second] = await waitForMarkers(el, 2);
    expect(q<HTMLImageElement>(el, 'img[part="image"]').alt).to.equal('Test mockup');
    expect(first.getAttribute('aria-label')).to.match(/^Marker 1 by .+: Too much padding$/);
    expect(second.textContent!.trim()).to.equal('2');
    raw.close();
  });

  it('places a marker by click and comment; the server and another viewer get it', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    const other = await chat(room, await otherServerUrl());
    await clickAt(el, 50, 50);
    const textarea = q<HTMLTextAreaElement>(el, '#draft-text');
    expect(el.shadowRoot!.activeElement).to.equal(textarea);
    await sendKeys({ type: 'Button label is cut off' });
    const changed = oneEvent(el, 'image-chat-change');
    await sendKeys({ press: 'Enter' });
    expect(markerButtons(el)).to.have.length(1); // at once, before the server answered
    const { detail } = await changed;
    expect(detail).to.include({ kind: 'created', origin: 'local' });
    const [saved] = await fetchMarkers(room);
    expect(saved.comments[0].text).to.equal('Button label is cut off');
    expect(saved.x).to.be.closeTo(50, 0.5);
    expect(saved.y).to.be.closeTo(50, 0.5);
    const [seen] = await waitForMarkers(other, 1);
    expect(seen.getAttribute('aria-label')).to.contain('Button label is cut off');
    await aTimeout(100);
    expect(markerButtons(el)).to.have.length(1); // the echo did not double it
  });

  it('opens a thread and replies', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 40, 40, 'Should this be bold?');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    const dialog = q(el, '[part="thread"]');
    expect(dialog.getAttribute('role')).to.equal('dialog');
    expect(dialog.textContent).to.contain('Should this be bold?');
    await sendKeys({ type: 'Yes, semibold' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(dialog.querySelectorAll('.comment')).to.have.length(2);
    await waitUntil(async () => (await fetchMarkers(room))[0].comments.length === 2, 'reply never reached the server');
    expect((await fetchMarkers(room))[0].comments[1].text).to.equal('Yes, semibold');
    raw.close();
  });

  it('rolls back a refused op, fires image-chat-error and keeps the typed text', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 40, 40, 'Original');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    const tooLong = 'x'.repeat(2001); // maxlength stops typing, not pasting from script: the server refuses it
    const textarea = q<HTMLTextAreaElement>(el, '.panel textarea');
    textarea.value = tooLong;
    textarea.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    const failed = oneEvent(el, 'image-chat-error');
    q<HTMLButtonElement>(el, '.panel button[type="submit"]').click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('.comment')).to.have.length(2); // optimistic
    const { detail } = await failed;
    expect(detail.action).to.equal('add-comment');
    expect(detail.code).to.be.oneOf(['bad-request', 'too-large']);
    await waitUntil(() => el.shadowRoot!.querySelector('.panel .error'), 'no error shown in the thread');
    expect(el.shadowRoot!.querySelectorAll('.comment')).to.have.length(1);
    expect(q(el, '.panel .error').textContent).to.contain('Your text is kept');
    expect(q<HTMLTextAreaElement>(el, '.panel textarea').value).to.equal(tooLong);
    expect((await fetchMarkers(room))[0].comments).to.have.length(1);
    raw.close();
  });

  it('rolls back a new marker whose marker the server refuses, reopening the composer', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    await clickAt(el, 20, 20);
    const textarea = q<HTMLTextAreaElement>(el, '#draft-text');
    textarea.value = '   ' + 'y'.repeat(2001);
    textarea.dispatchEvent(new InputEvent('input'));
    await el.updateComplete;
    const failed = oneEvent(el, 'image-chat-error');
    q<HTMLButtonElement>(el, '.panel button[type="submit"]').click();
    const { detail } = await failed;
    expect(detail.action).to.equal('create-marker');
    await waitUntil(() => el.shadowRoot!.querySelector('#draft-text'), 'the composer did not come back');
    expect(markerButtons(el)).to.have.length(0);
    expect(q<HTMLTextAreaElement>(el, '#draft-text').value).to.equal('y'.repeat(2001));
    expect(q(el, '.panel .error').textContent!.length).to.be.greaterThan(0);
    expect(await fetchMarkers(room)).to.have.length(0);
  });

  it('closes a thread with Escape and returns focus to its marker', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 60, 60, 'Close me');
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="thread"]')).to.exist;
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="thread"]')).to.not.exist;
    expect(el.shadowRoot!.activeElement).to.equal(markerButtons(el)[0]);
    raw.close();
  });

  it('renders comment text as text, never HTML', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    const evil = '<img src=x onerror="window.__pwned = true">';
    await raw.createMarker(room, 10, 10, evil);
    const el = await chat(room);
    const [marker] = await waitForMarkers(el, 1);
    marker.click();
    await el.updateComplete;
    await aTimeout(50);
    expect(q(el, '.comment-text').textContent).to.equal(evil);
    expect(el.shadowRoot!.querySelector('.comment-text img')).to.not.exist;
    expect((window as unknown as { __pwned?: boolean }).__pwned).to.be.undefined;
    raw.close();
  });

  it('shows changes made by others live, and announces new markers', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    const raw = await RawClient.connect();
    await raw.subscribe(room);
    const id = await raw.createMarker(room, 70, 30, 'From elsewhere');
    await waitForMarkers(el, 1);
    expect(q(el, '.visually-hidden[aria-live="polite"]').textContent).to.contain('From elsewhere');
    const deleted = oneEvent(el, 'image-chat-change');
    await raw.send({ type: 'delete-marker', room, broadcastId: crypto.randomUUID(), markerId: id });
    expect((await deleted).detail).to.include({ kind: 'deleted', origin: 'remote' });
    await waitForMarkers(el, 0);
    raw.close();
  });

  it('places a marker with the keyboard', async () => {
    const room = uniqueRoom();
    const el = await chat(room);
    q(el, '.surface').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    const crosshair = q(el, '.crosshair');
    const img = q<HTMLImageElement>(el, 'img');
    const r = img.getBoundingClientRect();
    expect(centre(crosshair).x).to.be.closeTo(r.left + r.width / 2, 1);
    await sendKeys({ press: 'Shift+ArrowRight' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(q(el, '#draft-text'));
    await sendKeys({ type: 'Keyboard placed' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(async () => (await fetchMarkers(room)).length === 1, 'marker never reached the server');
    const [saved] = await fetchMarkers(room);
    expect([saved.x, saved.y]).to.deep.equal([60, 52]);
  });

  it('cancels keyboard placement with Escape', async () => {
    const el = await chat(uniqueRoom());
    q(el, '.surface').focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.crosshair')).to.exist;
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.crosshair')).to.not.exist;
    expect(el.shadowRoot!.querySelector('[part="thread"]')).to.not.exist;
  });

  it('shows no composer in readonly mode', async () => {
    const el = await chat(uniqueRoom());
    el.readonly = true;
    await el.updateComplete;
    await clickAt(el, 50, 50);
    expect(el.shadowRoot!.querySelector('[part="thread"]')).to.not.exist;
  });

  it('speaks Portuguese with locale="pt-BR"', async () => {
    const raw = await RawClient.connect();
    const room = uniqueRoom();
    await raw.createMarker(room, 30, 30, 'Olá');
    const el = await chat(room);
    el.locale = 'pt-BR';
    const [marker] = await waitForMarkers(el, 1);
    // The pt-BR strings are a chunk of their own: English shows until they have come.
    await waitUntil(() => /^Marcador 1 de /.test(marker.getAttribute('aria-label') ?? ''), `label stayed ${marker.getAttribute('aria-label')}`);
    raw.close();
  });
});
