/**
 * Deleting asks first (issue 10): an inline question in the thread that names what goes ("Delete this thread and its
 * 3 replies?"), with Delete and Cancel. Focus moves to the question (the group is named by it, so a screen reader
 * reads it out); Escape or Cancel puts it away and focus goes back to the delete button that asked; Delete deletes.
 */
import { html, type TemplateResult } from 'lit';
import type { PanelController } from '../controllers/panel-controller.js';

export interface ConfirmDeleteProps {
  /** Unique in the shadow root: the question's id names the group. */
  id: string;
  question: string;
  deleteLabel: string;
  cancelLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

export function confirmDelete(p: ConfirmDeleteProps): TemplateResult {
  const keydown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    // The question's own Escape: the thread around it stays open.
    event.stopPropagation();
    p.onCancel();
  };
  return html`<div class="confirm" role="group" aria-labelledby=${`${p.id}-question`} tabindex="-1" @keydown=${keydown}>
    <p class="confirm-question" id=${`${p.id}-question`}>${p.question}</p>
    <div class="confirm-actions">
      <button type="button" class="button small danger" @click=${p.onConfirm}>${p.deleteLabel}</button>
      <button type="button" class="button small" @click=${p.onCancel}>${p.cancelLabel}</button>
    </div>
  </div>`;
}

/** Where focus goes back to when the question about `id` is put away: the delete button that asked. */
export function askedFrom(markerId: string, id: string): string {
  return id === markerId ? '.panel-actions .icon-button.danger' : `.comment[data-comment-id="${CSS.escape(id)}"] .link-button.danger`;
}

/** Asks before deleting the marker or comment `id`: the question shows in the thread and takes focus. */
export function askDelete(panels: PanelController, id: string): void {
  panels.set({ confirming: id, editing: null });
  panels.focusAfterRender('.confirm');
}

/** Puts the question away without deleting; focus goes back to the button that asked. */
export function cancelDelete(panels: PanelController, markerId: string): void {
  const id = panels.confirming;
  panels.set({ confirming: null });
  if (id) panels.focusAfterRender(askedFrom(markerId, id));
}
