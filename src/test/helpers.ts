/**
 * Helpers for the browser tests: where the real server is, test images with a known natural size, a raw WebSocket
 * client (a second user that shares nothing with the element), and geometry probes.
 */
import { fixture, html, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { ImageChat } from '../image-chat.component.js';
import type { Marker, Op, ServerMessage } from '../../protocol/index.js';
import { newId } from '../core/ids.js';

let cachedUrl: string | undefined;

/** The URL of the image-chat server the test run started (see web-test-runner.config.mjs). */
export async function serverUrl(): Promise<string> {
  if (!cachedUrl) cachedUrl = ((await (await fetch('/__image-chat-server')).json()) as { url: string }).url;
  return cachedUrl;
}

/** A reverse proxy in front of the server that passes HTTP and SSE and refuses every WebSocket upgrade. */
export async function upgradeRefusingProxy(): Promise<{ url: string; refusedUpgrades: number }> {
  const info = (await (await fetch('/__image-chat-server')).json()) as { proxyUrl: string; refusedUpgrades: number };
  return { url: info.proxyUrl, refusedUpgrades: info.refusedUpgrades };
}

/** The same server under another host name: a separate connection from the element's (no sharing). */
export async function otherServerUrl(): Promise<string> {
  return (await serverUrl()).replace('127.0.0.1', 'localhost');
}

/** A fresh room per test, so tests never see each other's markers. */
export function uniqueRoom(): string {
  return `test-${newId()}`;
}

/** An SVG data URL of the given natural size: four coloured quadrants, so a screenshot would show the layout. */
export function testImage(width = 800, height = 400): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width / 2}" height="${height / 2}" fill="#93c5fd"/>` +
    `<rect x="${width / 2}" width="${width / 2}" height="${height / 2}" fill="#fca5a5"/>` +
    `<rect y="${height / 2}" width="${width / 2}" height="${height / 2}" fill="#86efac"/>` +
    `<rect x="${width / 2}" y="${height / 2}" width="${width / 2}" height="${height / 2}" fill="#fde68a"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** The room's markers as the server has them. */
export async function fetchMarkers(room: string): Promise<Marker[]> {
  const res = await fetch(`${await serverUrl()}/api/rooms/${encodeURIComponent(room)}/markers?tenant=demo`);
  return ((await res.json()) as { markers: Marker[] }).markers;
}

/** A bare protocol client: another user, on its own socket. */
export class RawClient {
  readonly messages: ServerMessage[] = [];
  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e) => this.messages.push(JSON.parse(e.data as string) as ServerMessage));
  }

  static async connect(): Promise<RawClient> {
    const url = (await otherServerUrl()).replace(/^http/, 'ws') + '/ws';
    const socket = new WebSocket(url);
    const client = new RawClient(socket);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    socket.send(JSON.stringify({ type: 'hello', protocol: 1, tenant: 'demo' }));
    await client.next((m) => m.type === 'welcome');
    return client;
  }

  /** Resolves with the first message (already received or future) matching `predicate`. */
  async next<T extends ServerMessage>(predicate: (m: ServerMessage) => boolean): Promise<T> {
    await waitUntil(() => this.messages.some(predicate), 'raw client: expected message', { timeout: 5000 });
    return this.messages.find(predicate) as T;
  }

  async subscribe(room: string): Promise<void> {
    this.socket.send(JSON.stringify({ type: 'subscribe', room }));
    await this.next((m) => m.type === 'snapshot' && m.room === room);
  }

  /** Sends an op and waits for its ack (or error). */
  async send(op: Op): Promise<ServerMessage> {
    this.socket.send(JSON.stringify(op));
    return this.next((m) => (m.type === 'ack' || m.type === 'error') && m.broadcastId === op.broadcastId);
  }

  /** Creates a marker with one comment and returns its id. */
  async createMarker(room: string, x: number, y: number, text: string): Promise<string> {
    const id = newId();
    const reply = await this.send({ type: 'create-marker', room, broadcastId: newId(), marker: { id, x, y }, comment: { id: newId(), text } });
    if (reply.type !== 'ack') throw new Error(`create-marker failed: ${JSON.stringify(reply)}`);
    return id;
  }

  close(): void {
    this.socket.close();
  }
}

export function markerButtons(el: ImageChat): HTMLButtonElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.marker')];
}

/** Waits until the element shows `count` markers. */
export async function waitForMarkers(el: ImageChat, count: number): Promise<HTMLButtonElement[]> {
  await waitUntil(() => markerButtons(el).length === count, `expected ${count} markers, saw ${markerButtons(el).length}`, { timeout: 5000 });
  return markerButtons(el);
}

/** Waits until the element is subscribed (its room's snapshot arrived) and its panels (a chunk of their own) are in. */
export async function waitForReady(el: ImageChat): Promise<void> {
  const inner = el as unknown as { sync: { ready: boolean }; ui?: unknown };
  await waitUntil(() => inner.sync.ready, 'element never got its snapshot', { timeout: 5000 });
  await waitUntil(() => inner.ui, 'the panels never loaded', { timeout: 5000 });
}

export function centre(el: Element): { x: number; y: number } {
  const r = el.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
}

/** Where a point given in image percentages is on screen, for an `<img>` of known natural size and object-fit. */
export function expectedPoint(img: HTMLImageElement, xPercent: number, yPercent: number): { x: number; y: number } {
  const r = img.getBoundingClientRect();
  const fit = getComputedStyle(img).objectFit;
  const nw = img.naturalWidth;
  const nh = img.naturalHeight;
  let scale = 1;
  let w = r.width;
  let h = r.height;
  if (fit === 'contain' || fit === 'cover') {
    scale = (fit === 'contain' ? Math.min : Math.max)(r.width / nw, r.height / nh);
    w = nw * scale;
    h = nh * scale;
  }
  // Independent of the element's own code: default object-position (centre).
  const left = r.left + (r.width - w) / 2;
  const top = r.top + (r.height - h) / 2;
  return { x: left + (xPercent / 100) * w, y: top + (yPercent / 100) * h };
}

/** An `<image-chat>` on a fresh or given room, 800 px wide, subscribed and with its image loaded. */
export async function chat(room: string, server?: string, transport: 'auto' | 'websocket' | 'sse' = 'auto'): Promise<ImageChat> {
  const url = server ?? (await serverUrl());
  const el = await fixture<ImageChat>(
    html`<image-chat src=${testImage()} alt="Test mockup" room=${room} server=${url} transport=${transport} locale="en" style="width: 800px"></image-chat>`,
  );
  await waitForReady(el);
  await waitUntil(() => el.shadowRoot!.querySelector('img')!.complete, 'image never loaded');
  await el.updateComplete;
  return el;
}

/** The first match in the element's shadow root, or a thrown Error naming the selector. */
export function q<T extends Element = HTMLElement>(el: ImageChat, selector: string): T {
  const found = el.shadowRoot!.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
}

/** Clicks the picture at image percentages (a real mouse, through Playwright). */
export async function clickAt(el: ImageChat, x: number, y: number): Promise<void> {
  const r = q(el, 'img').getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(r.left + (r.width * x) / 100), Math.round(r.top + (r.height * y) / 100)] });
  await el.updateComplete;
}
