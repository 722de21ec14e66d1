import { adoptStyles, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Marker } from '../protocol/index.js';
import { percentToPoint } from './core/coordinates.js';
import { mayModify } from './core/rights.js';
import { LayoutController } from './controllers/layout-controller.js';
import { PlacementController } from './controllers/placement-controller.js';
import { PanelController } from './controllers/panel-controller.js';
import { RoomController } from './controllers/room-controller.js';
import { markerPins } from './components/marker-pins.js';
import { loadStrings, resolveLocale, stringsFor } from './i18n/index.js';
import { TRANSPORTS } from './net/options.js';
import type { TransportPreference } from './net/types.js';
import { styles } from './image-chat.styles.js';

const THEMES = ['auto', 'light', 'dark'];

/**
 * Conversations pinned on an image: click the picture to place a marker and discuss that spot; everyone viewing the
 * same room sees markers and comments appear, change and vanish live. Markers show their stable `number`; anyone who
 * may write resolves or reopens a thread; deleting asks first.
 *
 * @tag image-chat
 * @summary Real-time conversations pinned on an image.
 *
 * @slot - An optional `<img>` to annotate instead of `src` (shows before JavaScript loads; may use `object-fit`).
 *
 * @event {CustomEvent<ConnectionDetail>} image-chat-connection - `{ state, transport }` whenever the shared connection's state changes.
 * @event {CustomEvent<ChangeDetail>} image-chat-change - `{ kind: 'created'|'updated'|'deleted', markerId, origin: 'local'|'tab'|'remote' }`; `tab`: the
 *   same user in another tab of this browser (shown at once, reported when the server's event confirms it).
 * @event {CustomEvent<ErrorDetail>} image-chat-error - `{ code, message, action }`: an op was refused and rolled back, or the connection failed.
 * @event {CustomEvent<PresenceDetail>} image-chat-presence - `{ count, viewers }`: who views the room now (distinct users, the first 20 of
 *   them, the user included), after the room opens and then on change.
 *
 * @csspart image - The `<img>` rendered from `src`.
 * @csspart marker - Each marker button (resolved ones also have `marker-resolved`).
 * @csspart thread - A marker's thread panel, and the new-marker panel.
 * @csspart composer - Comment forms (new marker, reply, edit).
 * @csspart presence - Who views the room now: a stack of avatars (at most four, then "+N") and the count; shown while connected.
 * @csspart threads - The threads list (opened by the Threads toggle over the picture): every thread, filtered to open,
 *   resolved or all, with the switch that hides resolved markers on the picture.
 * @csspart status - The status line (`role="status"`): empty while connected; otherwise the connection state, or that the
 *   markers shown are this browser's saved copy, read-only until the server confirms them.
 *
 * Every colour is a custom property with a light and a dark value (the dark one in brackets); set one on the element
 * to override both, or inside your own `prefers-color-scheme` query to override one.
 * @cssproperty [--image-chat-accent=#4f46e5] - Marker and button colour (dark: `#818cf8`).
 * @cssproperty [--image-chat-accent-contrast=#fff] - Text on the accent colour (dark: `#111827`); keep it AA against the accent.
 * @cssproperty [--image-chat-marker-size=28px] - Marker diameter.
 * @cssproperty --image-chat-font - Font stack (the system UI font).
 * @cssproperty [--image-chat-surface=#fff] - Panel background (dark: `#1f2937`).
 * @cssproperty [--image-chat-text=#1f2937] - Panel text colour (dark: `#f3f4f6`).
 * @cssproperty [--image-chat-muted=#6b7280] - Secondary text colour (dark: `#9ca3af`).
 * @cssproperty [--image-chat-border=#e5e7eb] - Panel borders (dark: `#374151`).
 * @cssproperty [--image-chat-danger=#b91c1c] - Errors and destructive actions (dark: `#f87171`).
 * @cssproperty [--image-chat-resolved=#6b7280] - Resolved markers, behind `--image-chat-accent-contrast` text (dark: `#9ca3af`).
 * @cssproperty [--image-chat-marker-border=#fff] - The ring around markers and the crosshair, over the picture.
 * @cssproperty [--image-chat-overlay=rgb(17 24 39 / 0.85)] - Background of the hints and status line over the picture.
 * @cssproperty [--image-chat-overlay-text=#fff] - Text of the hints and status line.
 * @cssproperty [--image-chat-warning=#f59e0b] - The status line's dot while connecting.
 * @cssproperty [--image-chat-radius=12px] - Panel corner radius.
 * @cssproperty [--image-chat-thread-width=320px] - Thread panel width (wide screens).
 */
export class ImageChat extends LitElement {
  static override styles = styles;
  // Declared here rather than with decorators: the same reactive properties, without the decorators' code in the bundle.
  static override properties = {
    src: {},
    alt: {},
    room: {},
    server: {},
    tenant: {},
    token: {},
    locale: {},
    readonly: { type: Boolean, reflect: true },
    theme: { reflect: true },
    transport: {},
    liveText: { state: true },
    slottedImage: { state: true },
    now: { state: true },
    ui: { state: true },
  };

  /** The image URL. A slotted `<img>` child is used instead when present. */
  src = '';
  /** The image's text alternative. */
  alt = '';
  /** The conversation key; defaults to the `src` attribute as written (or the slotted image's). */
  room?: string;
  /** Base URL of the image-chat server; defaults to the page's origin. */
  server?: string;
  /** Tenant id. */
  tenant = 'demo';
  /** A signed user token from the host site's backend; without one the user is a guest. */
  token?: string;
  /** UI language (`en`, `pt-BR`); defaults to the browser's. */
  locale?: string;
  /** View markers and threads only. */
  readonly = false;
  /** `auto` follows the system's `prefers-color-scheme`; `light` and `dark` force it. */
  theme: 'auto' | 'light' | 'dark' = 'auto';
  /**
   * `auto` (WebSocket; SSE + HTTP POST when WebSocket is blocked but HTTP gets through), `websocket` or `sse`.
   * Read when the element first connects: elements sharing a connection use the first one's.
   */
  transport: TransportPreference = 'auto';

  private liveText = '';
  private slottedImage: HTMLImageElement | null = null;
  private now = Date.now();
  /** The panels (components/panels.ts), a chunk of their own: loaded when the element connects. */
  private ui?: typeof import('./components/panels.js');


  private readonly sync = new RoomController(this, () => {
    const room = this.room || this.getAttribute('src') || this.slottedImage?.getAttribute('src') || '';
    return room ? { server: this.server || location.origin, tenant: this.tenant, token: this.token, room, transport: this.transport } : undefined;
  });
  private readonly layout = new LayoutController(
    this,
    () => this.renderRoot.querySelector<HTMLElement>('.stage'),
    () => this.slottedImage ?? this.renderRoot.querySelector<HTMLImageElement>('.surface > img'),
  );
  private readonly placement = new PlacementController(this, {
    geometry: () => this.layout.refresh(),
    canPlace: () => !this.locked && this.sync.ready && !!this.ui,
    onPlace: (x, y, source) => this.panels.place(x, y, source),
    onMove: (id, x, y) => void this.sync.moveMarker(id, x, y).then((r) => this.panels.report(r)),
    onMoveEnd: (id) => void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`.marker[data-marker-id="${CSS.escape(id)}"]`)?.focus()),
  });
  private readonly panels = new PanelController(this, this.sync, () => this.strings, () => this.locked, (m) => this.placement.startMove(m.id, m.x, m.y));
  private clock?: ReturnType<typeof setInterval>;

  override connectedCallback(): void {
    this.slottedImage = this.querySelector(':scope > img');
    super.connectedCallback();
    if (!this.ui) {
      void import('./components/panels.js').then((ui) => {
        // The panels' styles join the element's (after them: they style only the panels).
        adoptStyles(this.renderRoot as ShadowRoot, [...ImageChat.elementStyles, ...ui.panelStyles]);
        this.ui = ui;
      });
    }
    // Relative times ("3 minutes ago") age while the page stays open.
    this.clock = setInterval(() => (this.now = Date.now()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('transport') && !TRANSPORTS.includes(this.transport)) {
      throw new TypeError(`<image-chat>: transport must be one of ${TRANSPORTS.join(', ')}; got "${this.transport}".`);
    }
    if (changed.has('theme') && !THEMES.includes(this.theme ?? 'auto')) throw new TypeError(`<image-chat>: theme must be one of ${THEMES.join(', ')}; got "${this.theme}".`);
    if (changed.has('src') || changed.has('room') || changed.has('server') || changed.has('tenant') || changed.has('token') || changed.has('slottedImage' as keyof ImageChat)) {
      if (this.isConnected) this.sync.sync();
    }
    const announced = this.sync.announcements;
    if (announced.length > 0) {
      const s = this.strings;
      this.liveText = announced
        .map((m) => s.announceNew(m.number, m.author.name, m.comments[0]?.text ?? ''))
        .join(' ');
      this.sync.announcements = [];
    }
  }

  /** Read-only: by attribute, or while the markers shown are the cached copy the server has not confirmed yet. */
  private get locked(): boolean {
    return this.readonly || this.sync.cachedAt !== null;
  }

  private get strings() {
    const locale = resolveLocale(this.locale);
    const strings = stringsFor(locale);
    // Not here yet (pt-BR comes as a chunk of its own): English meanwhile, then the language asked for.
    if (locale !== 'en' && strings === stringsFor('en')) void loadStrings(locale).then(() => this.requestUpdate());
    return strings;
  }

  protected override render(): TemplateResult {
    const s = this.strings;
    const markers = this.sync.markers;
    const g = this.layout.geometry;
    const pendingIds = new Set(this.sync.state.pending.flatMap((p) => (p.op.type === 'create-marker' ? [p.op.marker.id] : [])));
    const placing = this.placement.placing;
    const alt = this.slottedImage?.alt ?? this.alt;
    const connection = this.sync.connectionState;
    return html`
      <div class="stage" @keydown=${this.onStageKeydown}>
        <div
          class="surface"
          role="application"
          tabindex=${this.locked ? nothing : '0'}
          aria-label=${s.image(alt, this.locked)}
          @click=${this.placement.handleClick}
          @keydown=${this.placement.handleKeydown}
          @blur=${() => this.placement.cancel()}
        >
          ${this.slottedImage ? nothing : html`<img part="image" src=${this.src} alt=${this.alt} draggable="false" />`}
          <slot @slotchange=${this.onSlotChange}></slot>
          ${placing && g ? this.renderCrosshair(placing) : nothing}
        </div>
        <div class="markers">
          ${markerPins({
            markers: this.ui ? this.ui.shownOnImage(this.panels, markers) : markers,
            geometry: g,
            strings: s,
            openId: this.panels.openId,
            pendingIds,
            drag: this.placement.drag,
            draggable: (m) => !this.locked && mayModify(this.sync.user, m.author),
            onClick: (m) => {
              if (this.placement.consumeDragClick()) return;
              this.panels.toggle(m.id);
            },
            onPointerDown: (m, e) => this.placement.handleMarkerPointerDown(e, m.id, m.x, m.y),
            onPointerMove: this.placement.handleMarkerPointerMove,
            onPointerUp: this.placement.handleMarkerPointerUp,
            onPointerCancel: this.placement.handleMarkerPointerCancel,
          })}
        </div>
        ${placing
          ? html`<div class="hint" aria-hidden="true">${placing.markerId ? s.movingHint : s.placingHint}</div>`
          : this.locked
            ? nothing
            : html`<div class="hint focus-hint" aria-hidden="true">${s.focusHint}</div>`}
        ${this.renderPanels(markers)}
        <div part="status" class=${`status ${connection}`} role="status" aria-live="polite">${this.statusText()}</div>
        ${this.panels.errors.general
          ? html`<div part="status" class="status closed" role="alert">${this.panels.errors.general}</div>`
          : nothing}
      </div>
      <div class="visually-hidden" aria-live="polite">${placing ? (placing.markerId ? s.movingHint : s.placingHint) : this.liveText}</div>
    `;
  }

  private renderPanels(markers: readonly Marker[]): TemplateResult | typeof nothing {
    const { ui } = this;
    if (!ui) return nothing;
    const view = {
      panels: this.panels,
      sync: this.sync,
      strings: this.strings,
      locale: resolveLocale(this.locale),
      now: this.now,
      user: this.sync.user,
      locked: this.locked,
      geometry: this.layout.geometry,
    };
    return html`${ui.draftPanel(view)} ${ui.threadPanel(view, markers)} ${ui.toolbar(view, markers)}`;
  }

  /** Nothing while connected; otherwise the connection state, or that the markers shown are a saved copy. */
  private statusText(): string {
    const state = this.sync.connectionState;
    const at = this.sync.cachedAt;
    if (state === 'open') return '';
    if (at === null) return this.strings.status[state];
    const sameDay = new Date(at).toDateString() === new Date().toDateString();
    const format = new Intl.DateTimeFormat(resolveLocale(this.locale), sameDay ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' });
    return this.strings.cached(format.format(at));
  }

  private renderCrosshair(placing: { x: number; y: number }): TemplateResult {
    const p = percentToPoint(placing, this.layout.geometry!.content);
    return html`<div class="crosshair" style=${`left:${p.x}px;top:${p.y}px`} aria-hidden="true"></div>`;
  }

  /** Escape from anywhere in the element (a focused marker, say) closes the open panel. */
  private onStageKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && (this.panels.openId || this.panels.draft)) this.panels.close();
  };

  private onSlotChange = (event: Event): void => {
    const slot = event.target as HTMLSlotElement;
    this.slottedImage = (slot.assignedElements().find((el) => el instanceof HTMLImageElement) as HTMLImageElement | undefined) ?? null;
  };
}
