/**
 * What the user is doing with the panels: composing a new marker (`draft`), reading a thread (`openId`), replying,
 * editing a comment — with the inline errors that go with each. What the user does in a panel (send, reply, edit,
 * retry…) is `components/panel-actions.ts`, loaded with the panels. Focus follows the WAI dialog habits: into the
 * panel on open, back to the marker on close.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Marker } from '../../protocol/index.js';
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

export class PanelController implements ReactiveController {
  draft: { x: number; y: number } | null = null;
  draftText = '';
  openId: string | null = null;
  replyText = '';
  editing: { commentId: string; text: string } | null = null;
  errors: InlineErrors = {};
  /** The marker or comment (by id) whose delete waits for the user's yes (components/confirm-delete.ts). */
  confirming: string | null = null;
  /** The failed op the inline error offers to retry, with how to show it again and how to report the outcome. */
  failure?: { broadcastId: string; before(): void; after(result: OpResult): void };

  constructor(
    readonly host: Host,
    readonly room: RoomController,
    private readonly strings: () => Strings,
    private readonly readonly: () => boolean,
    /** Starts moving a marker by keyboard (the placement controller's crosshair on it). */
    private readonly moveByKeyboard: (marker: Marker) => void = () => {},
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

  /** Opens a marker's thread and moves focus into it. */
  open(markerId: string): void {
    this.set({ draft: null, openId: markerId, replyText: '', editing: null, errors: {}, confirming: null });
    this.focusAfterRender(this.readonly() ? '.panel .icon-button' : '.panel textarea');
  }

  /** Closes whatever panel is open; focus goes back to the thread's marker. */
  close(): void {
    const id = this.openId;
    this.set({ openId: null, editing: null, errors: {}, confirming: null });
    if (id) this.focusAfterRender(`.marker[data-marker-id="${CSS.escape(id)}"]`);
    if (this.draft) this.cancelDraft();
  }

  /** The thread's Move action: the thread closes and the marker follows the arrow keys (focus on the picture). */
  startMove(marker: Marker): void {
    this.set({ openId: null, editing: null, errors: {} });
    this.moveByKeyboard(marker);
    this.focusAfterRender('.surface');
  }

  toggle(markerId: string): void {
    if (this.openId === markerId) this.close();
    else this.open(markerId);
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

  set(patch: Partial<Pick<PanelController, 'draft' | 'draftText' | 'openId' | 'replyText' | 'editing' | 'errors' | 'confirming'>>): void {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }

  /** The localized message for a failed op (with, where the user's text was kept, a hint to try again). */
  message(result: OpResult, keptText = true): string {
    if (result.ok) return '';
    const s = this.strings();
    return `${s.errors[result.error.code] ?? result.error.message}${keptText ? ` ${s.keptText}` : ''}`;
  }

  focus(selector: string): boolean {
    const el = this.host.renderRoot.querySelector<HTMLElement>(selector);
    el?.focus();
    return !!el;
  }

  focusAfterRender(selector: string): void {
    void this.host.updateComplete.then(() => this.focus(selector));
  }
}
