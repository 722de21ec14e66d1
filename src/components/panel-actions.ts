/**
 * What the user does in a panel, run through the {@link RoomController}: send a new marker, reply, edit, resolve,
 * delete, and Retry. Each shows at once; when it fails, the user is put back where they acted, with what they typed
 * and a localized message, and Retry where the same op may well succeed later. Loaded with the panels (a chunk).
 */
import type { Marker } from '../../protocol/index.js';
import { newId } from '../core/ids.js';
import type { PanelController } from '../controllers/panel-controller.js';
import type { OpResult } from '../controllers/room-controller.js';

/** Failures worth a Retry: the same op may well succeed later (not so a refusal like `forbidden`). */
const RETRYABLE = new Set(['offline', 'unavailable', 'internal', 'rate-limited']);

/** Sends the new marker with its first comment; on failure, the draft comes back with the text and the reason. */
export async function submitDraft(p: PanelController): Promise<void> {
  const { draft } = p;
  const text = p.draftText.trim();
  if (!draft || !text) return;
  const markerId = newId();
  const before = () => {
    p.set({ draft: null, draftText: '' });
    p.open(markerId);
  };
  const after = (result: OpResult) => {
    if (result.ok || p.draft) return;
    // Back where the user acted, with what they typed and why it failed.
    p.set({ openId: null, draft, draftText: text, errors: { draft: p.message(result) } });
    offer(p, result, before, after);
    p.focusAfterRender('#draft-text');
  };
  before();
  after(await p.room.createMarker(draft.x, draft.y, text, markerId));
}

/** Resends the failed op the inline error is about — identical (same broadcastId and ids), never by itself. */
export async function retry(p: PanelController): Promise<void> {
  const failure = p.failure;
  p.failure = undefined;
  if (!failure) return;
  failure.before();
  failure.after(await p.room.retry(failure.broadcastId));
}

/** Offers Retry for a failure worth it, with how to show the op again and how to report its outcome. */
function offer(p: PanelController, result: OpResult, before: () => void, after: (result: OpResult) => void): void {
  p.failure = !result.ok && result.broadcastId && RETRYABLE.has(result.error.code) ? { broadcastId: result.broadcastId, before, after } : undefined;
}

/** Sends a reply; the reply box keeps focus. */
export async function reply(p: PanelController, marker: Marker): Promise<void> {
  const text = p.replyText.trim();
  if (!text) return;
  const before = () => {
    p.set({ replyText: '', errors: { ...p.errors, reply: undefined } });
    // The new comment is at the bottom of the list: bring it into view. Focus stays in the thread, on the reply
    // box (sent with the mouse, the Reply button would be disabled under it and focus fall to the page).
    void p.host.updateComplete.then(() => {
      const list = p.host.renderRoot.querySelector('.comments');
      if (list) list.scrollTop = list.scrollHeight;
      p.focus('.panel textarea');
    });
  };
  const after = (result: OpResult) => {
    if (result.ok || p.openId !== marker.id) return;
    p.set({ replyText: p.replyText || text, errors: { ...p.errors, reply: p.message(result) } });
    offer(p, result, before, after);
  };
  before();
  after(await p.room.addComment(marker.id, text));
}

export function startEdit(p: PanelController, commentId: string, text: string): void {
  p.set({ editing: { commentId, text } });
  p.focusAfterRender('.comment textarea');
}

export async function saveEdit(p: PanelController, marker: Marker): Promise<void> {
  const editing = p.editing;
  if (!editing || !editing.text.trim()) return;
  const before = () => p.set({ editing: null });
  const after = (result: OpResult) => {
    if (result.ok || p.openId !== marker.id) return;
    p.set({ editing, errors: { ...p.errors, edit: p.message(result) } });
    offer(p, result, before, after);
  };
  before();
  after(await p.room.editComment(marker.id, editing.commentId, editing.text.trim()));
}

/** Resolve, delete comment, delete marker: on failure the thread (re)opens with the message. */
export async function threadOp(p: PanelController, marker: Marker, op: () => Promise<OpResult>): Promise<void> {
  const before = () => p.set({ errors: {} });
  const after = (result: OpResult) => {
    if (result.ok || !p.room.markers.some((m) => m.id === marker.id)) return;
    p.set({ openId: marker.id, errors: { thread: p.message(result, false) } });
    offer(p, result, before, after);
  };
  before();
  after(await op());
}

/**
 * The user said yes to deleting what `confirming` names: the marker (its thread closes) or one comment. Focus goes to
 * the reply box, or to the picture when the thread went with it.
 */
export async function confirmedDelete(p: PanelController, marker: Marker): Promise<void> {
  const id = p.confirming;
  if (!id) return;
  p.set({ confirming: null });
  const refocus = () => void p.host.updateComplete.then(() => p.focus('.panel textarea') || p.focus('.surface'));
  if (id === marker.id) {
    p.close();
    refocus();
    return threadOp(p, marker, () => p.room.deleteMarker(marker.id));
  }
  refocus();
  return threadOp(p, marker, () => p.room.deleteComment(marker.id, id));
}
