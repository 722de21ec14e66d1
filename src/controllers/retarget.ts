/**
 * What a change of an element's target (server, tenant, token, room) asks of its {@link RoomController}: a pure
 * decision, so that the rules SPEC §1 sets live in one readable place and are unit-tested without a host.
 * - a new `token` on the same server and tenant re-authenticates in place (`auth`), keeping the connection and the
 *   other elements' subscriptions; the room re-subscribes only if it changed too;
 * - another room on the same connection re-subscribes;
 * - another server or tenant, or a token taken away (a guest is someone else), needs another connection.
 * The `transport` preference is read only when the connection is made (elements sharing one use the first's).
 */
import type { ConnectionOptions } from '../net/options.js';
import type { TransportPreference } from '../net/types.js';

export interface RoomTarget {
  server: string;
  tenant: string;
  token?: string;
  room: string;
  transport?: TransportPreference;
  /** Tunables and classes for the connection, when this target makes it (Node tests inject `ws` and short delays). */
  connection?: Omit<ConnectionOptions, 'server' | 'tenant' | 'token' | 'transport'>;
}

export interface RetargetPlan {
  /** Send the new token on the connection kept (`auth`). */
  reauthenticate: boolean;
  /** Keep the current connection; otherwise let it go (and acquire another when there is a target). */
  keepConnection: boolean;
  /** Start the room afresh: a new subscription, empty state, this user's cache and tabs. */
  resubscribe: boolean;
}

/** The plan for going from `prev` to `next`; `connected` says whether the controller holds a connection now. */
export function retarget(prev: RoomTarget | undefined, next: RoomTarget | undefined, connected: boolean): RetargetPlan {
  if (!next) return { reauthenticate: false, keepConnection: false, resubscribe: false };
  if (!prev || !connected || prev.server !== next.server || prev.tenant !== next.tenant) return { reauthenticate: false, keepConnection: false, resubscribe: true };
  const roomChanged = prev.room !== next.room;
  if (next.token === prev.token) return { reauthenticate: false, keepConnection: true, resubscribe: roomChanged };
  if (next.token) return { reauthenticate: true, keepConnection: true, resubscribe: roomChanged };
  return { reauthenticate: false, keepConnection: false, resubscribe: true };
}
