/**
 * The `<image-chat>` element: importing this module registers it (once, even if loaded twice). Import
 * `image-chat.component.js` instead to get the class without side effects.
 */
import { ImageChat } from './image-chat.component.js';
import type { ChangeDetail, ConnectionDetail, ErrorDetail, PresenceDetail } from './controllers/room-controller.js';

export { ImageChat };
export type { ChangeDetail, ConnectionDetail, ErrorDetail, PresenceDetail, ChangeKind, ChangeOrigin } from './controllers/room-controller.js';
export type { ConnectionState, TransportName, TransportPreference } from './net/types.js';
export type { Marker, Comment, User } from '../protocol/index.js';

if (!customElements.get('image-chat')) customElements.define('image-chat', ImageChat);

declare global {
  interface HTMLElementTagNameMap {
    'image-chat': ImageChat;
  }
  interface GlobalEventHandlersEventMap {
    'image-chat-connection': CustomEvent<ConnectionDetail>;
    'image-chat-change': CustomEvent<ChangeDetail>;
    'image-chat-error': CustomEvent<ErrorDetail>;
    'image-chat-presence': CustomEvent<PresenceDetail>;
  }
}
