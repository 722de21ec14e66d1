/**
 * The comment composer (`part="composer"`): a labelled textarea and a submit button. Enter submits, Shift+Enter
 * makes a new line; the limit comes from the shared protocol limits. Errors show here, under what the user typed.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { LIMITS } from '../../protocol/index.js';
import type { Strings } from '../i18n/index.js';

export interface ComposerProps {
  /** Unique within the element's shadow root: ties the label and error message to the textarea. */
  id: string;
  value: string;
  label: string;
  placeholder: string;
  submitLabel: string;
  strings: Strings;
  error?: string | null;
  onInput(value: string): void;
  onSubmit(): void;
  onCancel?(): void;
  /** Offered with the error when the failed op can be sent again. */
  onRetry?(): void;
}

/** Characters left before the counter appears: a hint near the limit, not noise on every comment. */
const COUNTER_THRESHOLD = 200;

/** The Retry button that goes with an inline error (resends the identical op). */
export function retryButton(strings: Strings, onRetry?: () => void): TemplateResult | typeof nothing {
  return onRetry ? html`<button type="button" class="link-button retry" @click=${onRetry}>${strings.retry}</button>` : nothing;
}

export function composer(p: ComposerProps): TemplateResult {
  const remaining = LIMITS.maxCommentLength - p.value.length;
  const submit = (event: Event) => {
    event.preventDefault();
    if (p.value.trim()) p.onSubmit();
  };
  const keydown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
  };
  return html`
    <form part="composer" class="composer" @submit=${submit}>
      <label class="visually-hidden" for=${p.id}>${p.label}</label>
      <textarea
        id=${p.id}
        rows="2"
        maxlength=${LIMITS.maxCommentLength}
        placeholder=${p.placeholder}
        aria-invalid=${p.error ? 'true' : 'false'}
        aria-describedby=${p.error ? `${p.id}-error` : nothing}
        .value=${p.value}
        @input=${(e: InputEvent) => p.onInput((e.target as HTMLTextAreaElement).value)}
        @keydown=${keydown}
      ></textarea>
      ${p.error ? html`<p class="error" id=${`${p.id}-error`} role="alert">${p.error} ${retryButton(p.strings, p.onRetry)}</p>` : nothing}
      <div class="composer-actions">
        <span class="counter ${remaining < 0 ? 'over' : ''}" aria-live="polite">
          ${remaining <= COUNTER_THRESHOLD ? p.strings.charactersLeft(Math.max(0, remaining)) : ''}
        </span>
        ${p.onCancel ? html`<button type="button" class="button ghost" @click=${p.onCancel}>${p.strings.cancel}</button>` : nothing}
        <button type="submit" class="button primary" ?disabled=${!p.value.trim()}>${p.submitLabel}</button>
      </div>
    </form>
  `;
}
