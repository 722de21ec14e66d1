/**
 * Who else is looking at the picture now (`part="presence"`), from the server's `presence` messages: a small stack of
 * avatars (at most {@link MAX_AVATARS}, then "+N") and the count. People who arrive are announced politely to screen
 * readers (the first message of a room is not: those people were here already). Shown only while connected: what a
 * dropped connection last heard is no longer true. Loaded with the panels (a chunk).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { PresenceMessage, User } from '../../protocol/index.js';
import type { RoomController } from '../controllers/room-controller.js';
import { avatarColour, initials } from '../core/avatar.js';
import { conversationStrings } from '../i18n/conversation-strings.js';
import type { SupportedLocale } from '../i18n/index.js';

/** Avatars shown before the rest are summed up as "+N". */
export const MAX_AVATARS = 4;

/** Per element (its room controller): the presence message last seen and what its arrivals said. */
const seen = new WeakMap<RoomController, { message: PresenceMessage; announced: string }>();

/** The people in `next` who were not in `previous` (other than the user): who just arrived. */
export function arrivals(previous: PresenceMessage | undefined, next: PresenceMessage, self: User | null): User[] {
  if (!previous || previous.room !== next.room) return [];
  const before = new Set(previous.viewers.map((v) => v.id));
  return next.viewers.filter((v) => !before.has(v.id) && v.id !== self?.id);
}

/** What the live region says for the room's latest presence (it keeps saying it until someone else arrives). */
function announcement(sync: RoomController, message: PresenceMessage, locale: SupportedLocale): string {
  const last = seen.get(sync);
  if (last?.message === message) return last.announced;
  const arrived = arrivals(last?.message, message, sync.user);
  const announced = arrived.length > 0 ? conversationStrings(locale).joined(arrived.map((v) => v.name)) : (last?.announced ?? '');
  seen.set(sync, { message, announced });
  return announced;
}

/** The same colour and initials as the user's comments show (core/avatar.ts). */
function avatar(user: User, title: string): TemplateResult {
  return html`<li><span class="avatar" title=${title} data-user-id=${user.id} style=${`background:${avatarColour(user.id)}`}>${initials(user.name)}</span></li>`;
}

export function presenceStack(sync: RoomController, locale: SupportedLocale): TemplateResult | typeof nothing {
  const message = sync.presence;
  if (!message || sync.connectionState !== 'open') return nothing;
  const c = conversationStrings(locale);
  const shown = message.viewers.slice(0, message.count > MAX_AVATARS ? MAX_AVATARS - 1 : MAX_AVATARS);
  const rest = message.count - shown.length;
  const label = c.viewing(message.count);
  return html`<div part="presence" class="presence" role="group" aria-label=${label}>
    <ul class="presence-avatars" aria-hidden="true">
      ${shown.map((v) => avatar(v, v.id === sync.user?.id ? `${v.name} (${c.you})` : v.name))}
      ${rest > 0 ? html`<li><span class="avatar more">${c.more(rest)}</span></li>` : nothing}
    </ul>
    <span class="presence-count" aria-hidden="true">${message.count}</span>
    <span class="visually-hidden viewers">${shown.map((v) => v.name).join(', ')}${rest > 0 ? ` ${c.more(rest)}` : ''}</span>
    <span class="visually-hidden"><span class="presence-live" aria-live="polite">${announcement(sync, message, locale)}</span></span>
  </div>`;
}
