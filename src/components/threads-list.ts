/**
 * The threads list (`part="threads"`): a toggle over the picture's corner opens every thread of the room — number,
 * first words, author, reply count, open or resolved — filtered to open, resolved or all; choosing one opens it on
 * the picture. A "hide resolved" switch takes resolved markers off the picture (the open thread's stays). Keyboard:
 * Tab into the list, arrow keys (Home, End) move between threads, Enter opens one, Escape closes the list and focus
 * goes back to the toggle. Loaded with the panels (a chunk).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Marker } from '../../protocol/index.js';
import type { PanelController } from '../controllers/panel-controller.js';
import { conversationStrings } from '../i18n/conversation-strings.js';
import type { SupportedLocale } from '../i18n/index.js';

export type ThreadsFilter = 'open' | 'resolved' | 'all';

interface ThreadsState {
  open: boolean;
  filter: ThreadsFilter;
  hideResolved: boolean;
}

/** Each element's list state, by its panel controller (the element itself knows nothing of the list). */
const states = new WeakMap<PanelController, ThreadsState>();

function stateOf(panels: PanelController): ThreadsState {
  let state = states.get(panels);
  if (!state) states.set(panels, (state = { open: false, filter: 'all', hideResolved: false }));
  return state;
}

function update(panels: PanelController, patch: Partial<ThreadsState>): void {
  Object.assign(stateOf(panels), patch);
  panels.host.requestUpdate();
}

/** The markers to draw on the picture: all, or without the resolved ones when the switch says so (the open one stays). */
export function shownOnImage(panels: PanelController, markers: readonly Marker[]): readonly Marker[] {
  return stateOf(panels).hideResolved ? markers.filter((m) => !m.resolved || m.id === panels.openId) : markers;
}

/** Whether a marker passes the list's filter. */
export function passes(filter: ThreadsFilter, marker: Marker): boolean {
  return filter === 'all' || marker.resolved === (filter === 'resolved');
}

/** A thread's first words, for the list: whitespace folded, cut at a word near `max` characters. */
export function firstWords(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

const focusToggle = (panels: PanelController) => panels.focusAfterRender('.threads-toggle');

/** Arrow keys, Home and End move between the threads; Escape closes the list. */
function onListKeydown(panels: PanelController, event: KeyboardEvent): void {
  if (event.key === 'Escape') {
    event.stopPropagation();
    update(panels, { open: false });
    return focusToggle(panels);
  }
  const items = [...panels.host.renderRoot.querySelectorAll<HTMLElement>('.thread-item')];
  const at = items.indexOf(panels.host.shadowRoot?.activeElement as HTMLElement);
  const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
  if (next === undefined || at < 0 || items.length === 0) return;
  event.preventDefault();
  items[Math.max(0, Math.min(items.length - 1, next))]!.focus();
}

function item(panels: PanelController, locale: SupportedLocale, m: Marker): TemplateResult {
  const c = conversationStrings(locale);
  const replies = Math.max(0, m.comments.length - 1);
  const first = firstWords(m.comments[0]?.text ?? '');
  const choose = () => {
    update(panels, { open: false });
    panels.open(m.id);
  };
  return html`<li>
    <button
      type="button"
      class="thread-item"
      data-marker-id=${m.id}
      aria-current=${panels.openId === m.id ? 'true' : 'false'}
      @click=${choose}
    >
      <span class="badge ${m.resolved ? 'resolved' : ''}" aria-hidden="true">${m.number ?? ''}</span>
      <span class="thread-item-body">
        <!-- Named by what it shows (so speech input finds it by its words), the number said in full first. -->
        <span class="visually-hidden">${c.threadItem(m.number)}</span>
        <span class="thread-item-text">${first}</span>
        <span class="thread-item-meta">${m.author.name} · ${c.replies(replies)} · ${m.resolved ? c.resolved : c.open}</span>
      </span>
    </button>
  </li>`;
}

/** The toggle that opens the list. */
export function threadsToggle(panels: PanelController, locale: SupportedLocale, markers: readonly Marker[]): TemplateResult {
  const state = stateOf(panels);
  const open = markers.filter((m) => !m.resolved).length;
  return html`<button
    type="button"
    class="toolbar-button threads-toggle"
    aria-expanded=${state.open ? 'true' : 'false'}
    aria-controls="threads"
    @click=${() => update(panels, { open: !state.open })}
  >
    <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z" /></svg>${conversationStrings(locale).threadsToggle(open)}
  </button>`;
}

/** The list itself, while open. */
export function threadsList(panels: PanelController, locale: SupportedLocale, markers: readonly Marker[]): TemplateResult | typeof nothing {
  const state = stateOf(panels);
  if (!state.open) return nothing;
  const c = conversationStrings(locale);
  const shown = markers.filter((m) => passes(state.filter, m));
  const option = (value: ThreadsFilter, label: string) => html`<option value=${value} ?selected=${state.filter === value}>${label}</option>`;
  return html`<section part="threads" id="threads" class="threads" aria-labelledby="threads-title" @keydown=${(e: KeyboardEvent) => onListKeydown(panels, e)}>
    <div class="threads-header">
      <h2 class="threads-title" id="threads-title">${c.threadsTitle}</h2>
      <label>
        ${c.show}
        <select class="threads-filter" @change=${(e: Event) => update(panels, { filter: (e.target as HTMLSelectElement).value as ThreadsFilter })}>
          ${option('all', c.filterAll)} ${option('open', c.filterOpen)} ${option('resolved', c.filterResolved)}
        </select>
      </label>
      <label class="threads-switch">
        <input
          type="checkbox"
          role="switch"
          class="hide-resolved"
          .checked=${state.hideResolved}
          @change=${(e: Event) => update(panels, { hideResolved: (e.target as HTMLInputElement).checked })}
        />
        ${c.hideResolved}
      </label>
    </div>
    ${shown.length > 0
      ? html`<ul class="threads-list">${shown.map((m) => item(panels, locale, m))}</ul>`
      : html`<p class="threads-empty">${c.noThreads}</p>`}
  </section>`;
}
