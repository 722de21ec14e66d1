/**
 * What the user is doing with the panels: composing a new marker (`draft`), reading a thread (`openId`), replying,
 * editing a comment — with the inline errors that go with each. It runs the op through the {@link RoomController}
 * and, when it fails, puts the user back where they acted with what they typed and a localized message.
 * Focus follows the WAI dialog habits: into the panel on open, back to the marker on close.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Marker } from '../../protocol/index.js';
import { newId } from '../core/ids.js';
import type { Strings } from '../i18n/index.js';
import type { OpResult, RoomController } from './room-controller.js';

export interface InlineErrors {
  draft?: string;
  reply?: string;
  edit?: string;
  thread?: string;
  /** Errors with no panel to show them in (a failed drag). */
  general?: string;
}

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };

/** Failures worth a Retry: the same op may well succeed later (not so a refusal like `forbidden`). */
const RETRYABLE = new Set(['offline', 'unavailable', 'internal', 'rate-limited']);

export class PanelController implements ReactiveController {
  draft: { x: number; y: number } | null = null;
  draftText = '';
  openId: string | null = null;
  replyText = '';
  editing: { commentId: string; text: string } | null = null;
  errors: InlineErrors = {};
  /** The failed op the inline error offers to retry, with how to show it again and how to report the outcome. */
  private failure?: { broadcastId: string; before(): void; after(result: OpResult): void };

  constructor(
    private readonly host: Host,
    private readonly room: RoomController,
    private readonly strings: () => Strings,
    private readonly readonly: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    // Someone else deleted the open marker: its thread goes with it.
    if (this.openId && !this.room.markers.some((m) => m.id === this.openId)) {
      this.openId = null;
      this.editing = null;
    }
  }

  /** A click (or keyboard placement) on the picture: a click first closes an open panel; the next one places. */
  place(x: number, y: number, source: 'pointer' | 'keyboard'): void {
    if (this.draft && this.draftText.trim()) return; // never throw away what the user typed
    if (source === 'pointer' && (this.openId || this.draft)) return this.close();
    this.set({ openId: null, draft: { x, y }, errors: {} });
    this.focusAfterRender('#draft-text');
  }

  cancelDraft(): void {
    this.set({ draft: null, draftText: '', errors: {} });
    this.focus('.surface');
  }

  async submitDraft(): Promise<void> {
    const { draft } = this;
    const text = this.draftText.trim();
    if (!draft || !text) return;
    const markerId = newId();
    const before = () => {
      this.set({ draft: null, draftText: '' });
      this.open(markerId);
    };
    const after = (result: OpResult) => {
      if (result.ok || this.draft) return;
      // Back where the user acted, with what they typed and why it failed.
      this.set({ openId: null, draft, draftText: text, errors: { draft: this.message(result) } });
      this.offer(result, before, after);
      this.focusAfterRender('#draft-text');
    };
    before();
    after(await this.room.createMarker(draft.x, draft.y, text, markerId));
  }

  /** Whether the inline error shown can be retried. */
  get canRetry(): boolean {
    return !!this.failure;
  }

  /** Resends the failed op the inline error is about — identical (same broadcastId and ids), never by itself. */
  async retry(): Promise<void> {
    const failure = this.failure;
    this.failure = undefined;
    if (!failure) return;
    failure.before();
    failure.after(await this.room.retry(failure.broadcastId));
  }

  private offer(result: OpResult, before: () => void, after: (result: OpResult) => void): void {
    this.failure = !result.ok && result.broadcastId && RETRYABLE.has(result.error.code) ? { broadcastId: result.broadcastId, before, after } : undefined;
  }

  /** Opens a marker's thread and moves focus into it. */
  open(markerId: string): void {
    this.set({ draft: null, openId: markerId, replyText: '', editing: null, errors: {} });
    this.focusAfterRender(this.readonly() ? '.panel .icon-button' : '.panel textarea');
  }

  /** Closes whatever panel is open; focus goes back to the thread's marker. */
  close(): void {
    const id = this.openId;
    this.set({ openId: null, editing: null, errors: {} });
    if (id) this.focusAfterRender(`.marker[data-marker-id="${CSS.escape(id)}"]`);
    if (this.draft) this.cancelDraft();
  }

  toggle(markerId: string): void {
    if (this.openId === markerId) this.close();
    else this.open(markerId);
  }

  async reply(marker: Marker): Promise<void> {
    const text = this.replyText.trim();
    if (!text) return;
    const before = () => {
      this.set({ replyText: '', errors: { ...this.errors, reply: undefined } });
      // The new comment is at the bottom of the list: bring it into view.
      void this.host.updateComplete.then(() => {
        const list = this.host.renderRoot.querySelector('.comments');
        if (list) list.scrollTop = list.scrollHeight;
      });
    };
    const after = (result: OpResult) => {
      if (result.ok || this.openId !== marker.id) return;
      this.set({ replyText: this.replyText || text, errors: { ...this.errors, reply: this.message(result) } });
      this.offer(result, before, after);
    };
    before();
    after(await this.room.addComment(marker.id, text));
  }

  startEdit(commentId: string, text: string): void {
    this.set({ editing: { commentId, text } });
    this.focusAfterRender('.comment textarea');
  }

  async saveEdit(marker: Marker): Promise<void> {
    const editing = this.editing;
    if (!editing || !editing.text.trim()) return;
    const before = () => this.set({ editing: null });
    const after = (result: OpResult) => {
      if (result.ok || this.openId !== marker.id) return;
      this.set({ editing, errors: { ...this.errors, edit: this.message(result) } });
      this.offer(result, before, after);
    };
    before();
    after(await this.room.editComment(marker.id, editing.commentId, editing.text.trim()));
  }

  /** Resolve, delete comment, delete marker: on failure the thread (re)opens with the message. */
  async threadOp(marker: Marker, op: () => Promise<OpResult>): Promise<void> {
    const before = () => this.set({ errors: {} });
    const after = (result: OpResult) => {
      if (result.ok || !this.room.markers.some((m) => m.id === marker.id)) return;
      this.set({ openId: marker.id, errors: { thread: this.message(result, false) } });
      this.offer(result, before, after);
    };
    before();
    after(await op());
  }

  /** Shows a failure that has no panel of its own (a drag). */
  report(result: OpResult): void {
    if (result.ok) return;
    const general = this.message(result, false);
    this.set({ errors: { ...this.errors, general } });
    // Not tied to a panel the user will close: it fades out by itself.
    setTimeout(() => this.errors.general === general && this.set({ errors: { ...this.errors, general: undefined } }), 8000);
  }

  /** Escape inside a panel: leave editing first, then close. */
  readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    if (this.editing) this.set({ editing: null, errors: { ...this.errors, edit: undefined } });
    else this.close();
  };

  set(patch: Partial<Pick<PanelController, 'draft' | 'draftText' | 'openId' | 'replyText' | 'editing' | 'errors'>>): void {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }

  private message(result: OpResult, keptText = true): string {
    if (result.ok) return '';
    const s = this.strings();
    return `${s.errors[result.error.code] ?? result.error.message}${keptText ? ` ${s.keptText}` : ''}`;
  }

  private focus(selector: string): boolean {
    const el = this.host.renderRoot.querySelector<HTMLElement>(selector);
    el?.focus();
    return !!el;
  }

  private focusAfterRender(selector: string): void {
    void this.host.updateComplete.then(() => this.focus(selector));
  }
}
