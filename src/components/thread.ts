/**
 * A marker's thread (`part="thread"`): a labelled, dialog-like card with the comments (author, relative time,
 * "(edited)"), edit/delete on comments the user may change, resolve/reopen (anyone who may write), move and delete
 * marker (its author or a moderator), and the reply composer.
 * Comment text is bound as text, never HTML.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Comment, Marker, User } from '../../protocol/index.js';
import { avatarColour, initials } from '../core/avatar.js';
import { mayModify } from '../core/rights.js';
import { relativeTime, type Strings, type SupportedLocale } from '../i18n/index.js';
import type { ConversationStrings } from '../i18n/conversation-strings.js';
import { composer, retryButton } from './composer.js';
import { confirmDelete } from './confirm-delete.js';

export interface ThreadHandlers {
  onClose(): void;
  onReplyInput(value: string): void;
  onReply(): void;
  onEditStart(comment: Comment): void;
  onEditInput(value: string): void;
  onEditSave(): void;
  onEditCancel(): void;
  /** Asks first (confirm-delete.ts): `confirming` then names the comment. */
  onDeleteComment(comment: Comment): void;
  onResolve(resolved: boolean): void;
  /** Move the marker by keyboard (arrows, Enter, Escape). */
  onMove(): void;
  /** Asks first: `confirming` then names the marker. */
  onDeleteMarker(): void;
  /** The user's yes to the question about `confirming`. */
  onConfirmDelete(): void;
  /** Escape or Cancel on that question. */
  onCancelDelete(): void;
  /** Offered with an error when the failed op can be sent again. */
  onRetry?(): void;
}

export interface ThreadProps extends ThreadHandlers {
  marker: Marker;
  strings: Strings;
  conversation: ConversationStrings;
  locale: SupportedLocale;
  now: number;
  user: User | null;
  readonly: boolean;
  /** The marker or comment whose delete waits for a yes. */
  confirming: string | null;
  replyText: string;
  editing: { commentId: string; text: string } | null;
  errors: { reply?: string; edit?: string; thread?: string };
  /** The picture around the marker, shown under the header on phones (panels.ts). */
  picture?: TemplateResult | typeof nothing;
}

export interface PanelProps {
  /** Prefix of the ids inside (the title's id labels the dialog). */
  id: string;
  title: TemplateResult | string;
  /** Inline position (left/top); full-screen on phones comes from CSS. */
  style: string;
  onKeydown(event: KeyboardEvent): void;
  body: TemplateResult;
  actions?: TemplateResult | typeof nothing;
  /** Under the header: the picture around the pin, on phones. */
  picture?: TemplateResult | typeof nothing;
  onClose(): void;
  closeLabel: string;
}

/** The shell shared by a thread and the new-marker composer: a labelled card positioned near its marker. */
export function panel({ id, title, style, onKeydown, body, actions = nothing, picture = nothing, onClose, closeLabel }: PanelProps): TemplateResult {
  return html`
    <section part="thread" class="panel" role="dialog" aria-labelledby=${`${id}-title`} style=${style} @keydown=${onKeydown}>
      <header class="panel-header">
        <h2 id=${`${id}-title`} class="panel-title">${title}</h2>
        <div class="panel-actions">
          ${actions}
          <button type="button" class="icon-button" aria-label=${closeLabel} title=${closeLabel} @click=${onClose}>
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 4l8 8M12 4l-8 8" /></svg>
          </button>
        </div>
      </header>
      ${picture}
      ${body}
    </section>
  `;
}

/** The author's colour and initials, the same for that user everywhere (core/avatar.ts); the name is shown beside it. */
function avatar(user: User): TemplateResult {
  return html`<span class="avatar" aria-hidden="true" style=${`background:${avatarColour(user.id)}`}>${initials(user.name)}</span>`;
}

function commentItem(p: ThreadProps, comment: Comment): TemplateResult {
  const s = p.strings;
  const mine = p.user?.id === comment.author.id;
  const editable = !p.readonly && mayModify(p.user, comment.author);
  const editing = p.editing?.commentId === comment.id;
  return html`
    <li class="comment" data-comment-id=${comment.id}>
      ${avatar(comment.author)}
      <div class="comment-body">
        <div class="comment-meta">
          <span class="author">${comment.author.name}${mine ? html` <span class="you">(${s.you})</span>` : nothing}</span>
          <time datetime=${new Date(comment.createdAt).toISOString()} title=${new Date(comment.createdAt).toLocaleString(p.locale)}>
            ${relativeTime(comment.createdAt, p.now, p.locale)}
          </time>
          ${comment.editedAt ? html`<span class="edited">${s.edited}</span>` : nothing}
        </div>
        ${editing
          ? composer({
              id: `edit-${comment.id}`,
              value: p.editing!.text,
              label: s.edit,
              placeholder: '',
              submitLabel: s.save,
              strings: s,
              error: p.errors.edit,
              onRetry: p.onRetry,
              onInput: p.onEditInput,
              onSubmit: p.onEditSave,
              onCancel: p.onEditCancel,
            })
          : html`<p class="comment-text">${comment.text}</p>`}
        ${p.confirming === comment.id
          ? confirmDelete({
              id: `confirm-${comment.id}`,
              question: p.conversation.confirmDeleteComment(p.marker.comments.length === 1),
              deleteLabel: s.delete,
              cancelLabel: s.cancel,
              onConfirm: p.onConfirmDelete,
              onCancel: p.onCancelDelete,
            })
          : editable && !editing
          ? html`<div class="comment-actions">
              <button type="button" class="link-button" @click=${() => p.onEditStart(comment)}>${s.edit}</button>
              <button type="button" class="link-button danger" @click=${() => p.onDeleteComment(comment)}>${s.delete}</button>
            </div>`
          : nothing}
      </div>
    </li>
  `;
}

export function thread(p: ThreadProps, id: string, style: string, onKeydown: (e: KeyboardEvent) => void): TemplateResult {
  const s = p.strings;
  const m = p.marker;
  const manage = !p.readonly && mayModify(p.user, m.author);
  // The marker's stable number; the user's own new marker has none until the server confirms it.
  const title = html`<span class="badge ${m.resolved ? 'resolved' : ''}" aria-hidden="true">${m.number ?? ''}</span>${m.number ? s.threadTitle(m.number) : s.newThreadTitle}${m.resolved ? html` <span class="status-tag">${s.resolved}</span>` : nothing}`;
  // Anyone who may write resolves or reopens (SPEC §2 rights); moving and deleting stay the author's or a moderator's.
  const actions = html`${p.readonly
    ? nothing
    : html`<button type="button" class="button small" @click=${() => p.onResolve(!m.resolved)}>${m.resolved ? s.reopen : s.resolve}</button>`}
    ${manage
    ? html`<button type="button" class="button small move" title=${s.movingHint} @click=${p.onMove}>${s.move}</button>
        <button type="button" class="icon-button danger" aria-label=${s.deleteMarker} title=${s.deleteMarker} @click=${p.onDeleteMarker}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5" /></svg>
        </button>`
    : nothing}`;
  const body = html`
    ${p.errors.thread ? html`<p class="error thread-error" role="alert">${p.errors.thread} ${retryButton(s, p.onRetry)}</p>` : nothing}
    ${p.confirming === m.id
      ? confirmDelete({
          id: `${id}-confirm`,
          question: p.conversation.confirmDeleteMarker(m.comments.length - 1),
          deleteLabel: s.delete,
          cancelLabel: s.cancel,
          onConfirm: p.onConfirmDelete,
          onCancel: p.onCancelDelete,
        })
      : nothing}
    <ol class="comments">${m.comments.map((c) => commentItem(p, c))}</ol>
    ${p.readonly
      ? nothing
      : composer({
          id: `${id}-reply`,
          value: p.replyText,
          label: s.submitReply,
          placeholder: s.replyPlaceholder,
          submitLabel: s.submitReply,
          strings: s,
          error: p.errors.reply,
          onRetry: p.onRetry,
          onInput: p.onReplyInput,
          onSubmit: p.onReply,
        })}
  `;
  return panel({ id, title, style, onKeydown, body, actions, picture: p.picture, onClose: p.onClose, closeLabel: s.close });
}
