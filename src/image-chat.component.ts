import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Comment, Marker } from '../protocol/index.js';
import { percentToPoint } from './core/coordinates.js';
import { mayModify } from './core/rights.js';
import { LayoutController } from './controllers/layout-controller.js';
import { PlacementController } from './controllers/placement-controller.js';
import { PanelController } from './controllers/panel-controller.js';
import { RoomController } from './controllers/room-controller.js';
import { composer } from './components/composer.js';
import { markerPins } from './components/marker-pins.js';
import { panel, thread } from './components/thread.js';
import { resolveLocale, stringsFor } from './i18n/index.js';
import type { TransportPreference } from './net/types.js';
import { styles } from './image-chat.styles.js';

const TRANSPORTS: readonly TransportPreference[] = ['auto', 'websocket', 'sse'];

/**
 * Conversations pinned on an image: click the picture to place a marker and discuss that spot; everyone viewing the
 * same room sees markers and comments appear, change and vanish live.
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
 *
 * @csspart image - The `<img>` rendered from `src`.
 * @csspart marker - Each marker button (resolved ones also have `marker-resolved`).
 * @csspart thread - A marker's thread panel, and the new-marker panel.
 * @csspart composer - Comment forms (new marker, reply, edit).
 * @csspart status - The status line (`role="status"`): empty while connected; otherwise the connection state, or that the
 *   markers shown are this browser's saved copy, read-only until the server confirms them.
 *
 * @cssproperty [--image-chat-accent=#4f46e5] - Marker and button colour.
 * @cssproperty [--image-chat-accent-contrast=#ffffff] - Text on the accent colour.
 * @cssproperty [--image-chat-marker-size=28px] - Marker diameter.
 * @cssproperty --image-chat-font - Font stack (the system UI font).
 * @cssproperty [--image-chat-surface=#ffffff] - Panel background.
 * @cssproperty [--image-chat-text=#1f2937] - Panel text colour.
 * @cssproperty [--image-chat-muted=#6b7280] - Secondary text colour.
 * @cssproperty [--image-chat-border=#e5e7eb] - Panel borders.
 * @cssproperty [--image-chat-danger=#dc2626] - Errors and destructive actions.
 * @cssproperty [--image-chat-resolved=#9ca3af] - Resolved markers.
 * @cssproperty [--image-chat-radius=12px] - Panel corner radius.
 * @cssproperty [--image-chat-thread-width=320px] - Thread panel width (wide screens).
 */
export class ImageChat extends LitElement {
  static override styles = styles;

  /** The image URL. A slotted `<img>` child is used instead when present. */
  @property() src = '';
  /** The image's text alternative. */
  @property() alt = '';
  /** The conversation key; defaults to the `src` attribute as written (or the slotted image's). */
  @property() room?: string;
  /** Base URL of the image-chat server; defaults to the page's origin. */
  @property() server?: string;
  /** Tenant id. */
  @property() tenant = 'demo';
  /** A signed user token from the host site's backend; without one the user is a guest. */
  @property() token?: string;
  /** UI language (`en`, `pt-BR`); defaults to the browser's. */
  @property() locale?: string;
  /** View markers and threads only. */
  @property({ type: Boolean, reflect: true }) readonly = false;
  /**
   * `auto` (WebSocket; SSE + HTTP POST when WebSocket is blocked but HTTP gets through), `websocket` or `sse`.
   * Read when the element first connects: elements sharing a connection use the first one's.
   */
  @property() transport: TransportPreference = 'auto';

  @state() private liveText = '';
  @state() private slottedImage: HTMLImageElement | null = null;
  @state() private now = Date.now();


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
    canPlace: () => !this.locked && this.sync.ready,
    onPlace: (x, y, source) => this.panels.place(x, y, source),
    onMove: (id, x, y) => void this.sync.moveMarker(id, x, y).then((r) => this.panels.report(r)),
  });
  private readonly panels = new PanelController(this, this.sync, () => this.strings, () => this.locked);
  private clock?: ReturnType<typeof setInterval>;

  override connectedCallback(): void {
    this.slottedImage = this.querySelector(':scope > img');
    super.connectedCallback();
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
    if (changed.has('src') || changed.has('room') || changed.has('server') || changed.has('tenant') || changed.has('token') || changed.has('slottedImage' as keyof ImageChat)) {
      if (this.isConnected) this.sync.sync();
    }
    const announced = this.sync.announcements;
    if (announced.length > 0) {
      const s = this.strings;
      this.liveText = announced
        .map((m) => s.announceNew(this.sync.markers.findIndex((v) => v.id === m.id) + 1, m.author.name, m.comments[0]?.text ?? ''))
        .join(' ');
      this.sync.announcements = [];
    }
  }

  /** Read-only: by attribute, or while the markers shown are the cached copy the server has not confirmed yet. */
  private get locked(): boolean {
    return this.readonly || this.sync.cachedAt !== null;
  }

  private get strings() {
    return stringsFor(resolveLocale(this.locale));
  }

  /** Where a panel goes: beside its point, flipped to stay inside the element. Full-screen on phones (CSS). */
  private panelStyle(x: number, y: number): string {
    const g = this.layout.geometry;
    if (!g) return '';
    const p = percentToPoint({ x, y }, g.content);
    const width = Math.min(320, g.stage.width);
    const gap = 22;
    let left = p.x + gap;
    if (left + width > g.stage.width) left = p.x - gap - width;
    left = Math.max(0, Math.min(left, g.stage.width - width));
    // In the lower half the panel grows upwards, so it stays over the picture instead of hanging below it.
    if (p.y > g.stage.height / 2) return `left:${left}px;bottom:${Math.max(0, g.stage.height - p.y - 24)}px`;
    return `left:${left}px;top:${Math.max(0, p.y - 24)}px`;
  }

  private renderDraft(): TemplateResult | typeof nothing {
    const { layout, panels } = this;
    const { draft } = panels;
    if (!draft || !layout.geometry) return nothing;
    const s = this.strings;
    const p = percentToPoint(draft, layout.geometry.content);
    const body = composer({
      id: 'draft-text',
      value: panels.draftText,
      label: s.commentLabel,
      placeholder: s.commentPlaceholder,
      submitLabel: s.submitNew,
      strings: s,
      error: panels.errors.draft,
      onRetry: panels.canRetry ? () => void panels.retry() : undefined,
      onInput: (v) => panels.set({ draftText: v }),
      onSubmit: () => void panels.submitDraft(),
      onCancel: () => panels.cancelDraft(),
    });
    return html`<div class="draft-pin" style=${`left:${p.x}px;top:${p.y}px`}></div>
      ${panel({
        id: 'draft',
        title: s.newThreadTitle,
        style: this.panelStyle(draft.x, draft.y),
        onKeydown: panels.onKeydown,
        body,
        onClose: () => panels.cancelDraft(),
        closeLabel: s.close,
      })}`;
  }

  private renderThread(markers: readonly Marker[]): TemplateResult | typeof nothing {
    const { panels, sync } = this;
    const index = markers.findIndex((m) => m.id === panels.openId);
    if (index < 0 || !this.layout.geometry) return nothing;
    const marker = markers[index];
    return thread(
      {
        marker,
        number: index + 1,
        strings: this.strings,
        locale: resolveLocale(this.locale),
        now: this.now,
        user: this.sync.user,
        readonly: this.locked,
        replyText: panels.replyText,
        editing: panels.editing,
        errors: panels.errors,
        onRetry: panels.canRetry ? () => void panels.retry() : undefined,
        onClose: () => panels.close(),
        onReplyInput: (v) => panels.set({ replyText: v }),
        onReply: () => void panels.reply(marker),
        onEditStart: (c: Comment) => panels.startEdit(c.id, c.text),
        onEditInput: (v) => panels.set({ editing: panels.editing && { ...panels.editing, text: v } }),
        onEditSave: () => void panels.saveEdit(marker),
        onEditCancel: () => panels.set({ editing: null }),
        onDeleteComment: (c: Comment) => void panels.threadOp(marker, () => sync.deleteComment(marker.id, c.id)),
        onResolve: (resolved) => void panels.threadOp(marker, () => sync.resolveMarker(marker.id, resolved)),
        onDeleteMarker: () => {
          panels.close();
          void panels.threadOp(marker, () => sync.deleteMarker(marker.id));
        },
      },
      `thread-${index}`,
      this.panelStyle(marker.x, marker.y),
      panels.onKeydown,
    );
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
            markers,
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
        ${placing ? html`<div class="hint" aria-hidden="true">${s.placingHint}</div>` : nothing}
        ${this.renderDraft()} ${this.renderThread(markers)}
        <div part="status" class=${`status ${connection}`} role="status" aria-live="polite">${this.statusText()}</div>
        ${this.panels.errors.general
          ? html`<div part="status" class="status closed" role="alert">${this.panels.errors.general}</div>`
          : nothing}
      </div>
      <div class="visually-hidden" aria-live="polite">${placing ? s.placingHint : this.liveText}</div>
    `;
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
