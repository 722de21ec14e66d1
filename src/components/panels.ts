/**
 * The element's interaction layer: the new-marker panel and a marker's thread, with their styles. A chunk of its own,
 * loaded as soon as an element connects (so it is there by the time anyone clicks), which keeps it off the path to
 * the first picture with its markers.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Comment, Marker, User } from '../../protocol/index.js';
import { percentToPoint } from '../core/coordinates.js';
import type { Geometry } from '../controllers/layout-controller.js';
import type { PanelController } from '../controllers/panel-controller.js';
import type { RoomController } from '../controllers/room-controller.js';
import type { Strings, SupportedLocale } from '../i18n/index.js';
import { conversationStrings } from '../i18n/conversation-strings.js';
import { composer } from './composer.js';
import { askDelete, cancelDelete } from './confirm-delete.js';
import { presenceStack } from './presence-stack.js';
import { threadsList, threadsToggle } from './threads-list.js';
import * as act from './panel-actions.js';
import { panel, thread } from './thread.js';

import { panelStyles as threadStyles } from './panel.styles.js';
import { conversationStyles } from './conversation.styles.js';

export { shownOnImage } from './threads-list.js';

/** The chunk's styles, in cascade order: they follow the element's. */
export const panelStyles = [threadStyles, conversationStyles];

/** What the panels show and act on, from the element. */
export interface PanelView {
  panels: PanelController;
  sync: RoomController;
  strings: Strings;
  locale: SupportedLocale;
  now: number;
  user: User | null;
  /** Read-only: by attribute, or while the markers shown are the cached copy. */
  locked: boolean;
  geometry: Geometry | null;
}

/** Room kept between a panel and the window's edge. */
const EDGE = 8;
/** The panel's top is this far above its pin (it starts level with the marker, not under it). */
const LIFT = 24;

/**
 * Where a panel goes: beside its point, flipped to stay inside the element sideways; upwards or downwards, whichever
 * side of the window has more room, and never taller than that room (its comments scroll), so a thread near the
 * bottom of the window shows its Reply button instead of running past the fold. Full-screen on phones (CSS).
 * The geometry is measured before each render, so `origin` is where the stage is in the window now.
 */
function panelStyle(g: Geometry, x: number, y: number): string {
  const p = percentToPoint({ x, y }, g.content);
  const width = Math.min(320, g.stage.width);
  const gap = 22;
  let left = p.x + gap;
  if (left + width > g.stage.width) left = p.x - gap - width;
  left = Math.max(0, Math.min(left, g.stage.width - width));
  const pin = g.origin.top + p.y; // the pin's height in the window
  if (pin > innerHeight / 2) {
    return `left:${left}px;bottom:${g.stage.height - p.y - LIFT}px;max-height:${Math.min(480, pin + LIFT - EDGE)}px`;
  }
  return `left:${left}px;top:${p.y - LIFT}px;max-height:${Math.min(480, innerHeight - pin + LIFT - EDGE)}px`;
}

/**
 * What the full-screen thread of a phone shows under its header (CSS shows it under 768 px only): the part of the
 * picture around the pin, centred on it, with the pin drawn, so people see what they are talking about. Twice the
 * size the page shows the picture at, but never past the picture's own pixels (it would blur).
 */
function picture(v: PanelView, x: number, y: number, draft = false): TemplateResult | typeof nothing {
  const g = v.geometry!;
  const { host } = v.panels;
  const img = host.querySelector<HTMLImageElement>(':scope > img') ?? host.renderRoot.querySelector<HTMLImageElement>('.surface > img');
  const src = img?.currentSrc || img?.src;
  if (!img || !src) return nothing;
  const width = Math.max(g.content.width, Math.min(2 * g.content.width, img.naturalWidth));
  const height = (width * g.content.height) / g.content.width;
  const place = `width:${width}px;height:${height}px;left:calc(50% - ${(x * width) / 100}px);top:calc(50% - ${(y * height) / 100}px)`;
  return html`<div class="picture" aria-hidden="true">
    <img src=${src} alt="" draggable="false" style=${place} /><span class=${draft ? 'pin draft' : 'pin'}></span>
  </div>`;
}

/** The new-marker panel, with its pin, while the user writes a new marker's first comment. */
export function draftPanel(v: PanelView): TemplateResult | typeof nothing {
  const { panels, geometry: g, strings: s } = v;
  const { draft } = panels;
  if (!draft || !g) return nothing;
  const p = percentToPoint(draft, g.content);
  const body = composer({
    id: 'draft-text',
    value: panels.draftText,
    label: s.commentLabel,
    placeholder: s.commentPlaceholder,
    submitLabel: s.submitNew,
    strings: s,
    error: panels.errors.draft,
    onRetry: panels.failure ? () => void act.retry(panels) : undefined,
    onInput: (value) => panels.set({ draftText: value }),
    onSubmit: () => void act.submitDraft(panels),
    onCancel: () => panels.cancelDraft(),
  });
  return html`<div class="draft-pin" style=${`left:${p.x}px;top:${p.y}px`}></div>
    ${panel({
      id: 'draft',
      title: s.newThreadTitle,
      style: panelStyle(g, draft.x, draft.y),
      onKeydown: panels.onKeydown,
      body,
      picture: picture(v, draft.x, draft.y, true),
      onClose: () => panels.cancelDraft(),
      closeLabel: s.close,
    })}`;
}

/** The open marker's thread. */
export function threadPanel(v: PanelView, markers: readonly Marker[]): TemplateResult | typeof nothing {
  const { panels, sync, geometry: g } = v;
  const index = markers.findIndex((m) => m.id === panels.openId);
  if (index < 0 || !g) return nothing;
  const marker = markers[index];
  return thread(
    {
      marker,
      strings: v.strings,
      conversation: conversationStrings(v.locale),
      locale: v.locale,
      now: v.now,
      user: v.user,
      readonly: v.locked,
      confirming: panels.confirming,
      replyText: panels.replyText,
      editing: panels.editing,
      errors: panels.errors,
      picture: picture(v, marker.x, marker.y),
      onRetry: panels.failure ? () => void act.retry(panels) : undefined,
      onClose: () => panels.close(),
      onReplyInput: (value) => panels.set({ replyText: value }),
      onReply: () => void act.reply(panels, marker),
      onEditStart: (c: Comment) => act.startEdit(panels, c.id, c.text),
      onEditInput: (value) => panels.set({ editing: panels.editing && { ...panels.editing, text: value } }),
      onEditSave: () => void act.saveEdit(panels, marker),
      onEditCancel: () => panels.set({ editing: null }),
      onDeleteComment: (c: Comment) => askDelete(panels, c.id),
      onResolve: (resolved) => void act.threadOp(panels, marker, () => sync.resolveMarker(marker.id, resolved)),
      onMove: () => panels.startMove(marker),
      onDeleteMarker: () => askDelete(panels, marker.id),
      onConfirmDelete: () => void act.confirmedDelete(panels, marker),
      onCancelDelete: () => cancelDelete(panels, marker.id),
    },
    `thread-${index}`,
    panelStyle(g, marker.x, marker.y),
    panels.onKeydown,
  );
}

/** The tools over the picture's top-right corner: who is viewing, the threads toggle; and the threads list when open. */
export function toolbar(v: PanelView, markers: readonly Marker[]): TemplateResult {
  return html`<div class="toolbar">${presenceStack(v.sync, v.locale)} ${threadsToggle(v.panels, v.locale, markers)}</div>
    ${threadsList(v.panels, v.locale, markers)}`;
}
