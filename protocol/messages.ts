/**
 * The image-chat wire protocol, version 1 (SPEC §2): every message that crosses a WebSocket, an SSE stream or an
 * HTTP body. Types only — both the browser bundle and the server import this file; the server validates incoming
 * frames against the schemas in `server/protocol/schemas.ts`, which mirror these types.
 */

import type { ErrorCode } from './errors.js';

export const PROTOCOL_VERSION = 1;

export type Role = 'user' | 'moderator';

export interface User {
  id: string;
  name: string;
  role?: Role;
}

export interface Comment {
  id: string;
  text: string;
  /** Server time, epoch milliseconds. */
  createdAt: number;
  editedAt?: number;
  author: User;
}

export interface Marker {
  id: string;
  /**
   * The marker's label in its room (1, 2, 3 …), set by the server at creation from a per-room counter and never
   * reused: deleting marker 2 leaves 1 and 3 as they were. Absent only on a marker the server has not confirmed yet
   * (the client's own pending one) and in events logged before numbers existed.
   */
  number?: number;
  /** Percentage (0–100) of the image's natural width. */
  x: number;
  /** Percentage (0–100) of the image's natural height. */
  y: number;
  resolved: boolean;
  createdAt: number;
  author: User;
  comments: Comment[];
}

// ---------------------------------------------------------------------------------------------------------------
// Client → server

export interface HelloMessage { type: 'hello'; protocol: number; tenant: string; token?: string }
export interface AuthMessage { type: 'auth'; token: string }
export interface SubscribeMessage { type: 'subscribe'; room: string; epoch?: string; since?: number }
export interface UnsubscribeMessage { type: 'unsubscribe'; room: string }

interface OpBase { room: string; broadcastId: string }
export interface CreateMarkerOp extends OpBase {
  type: 'create-marker';
  marker: { id: string; x: number; y: number };
  comment: { id: string; text: string };
}
export interface AddCommentOp extends OpBase { type: 'add-comment'; markerId: string; comment: { id: string; text: string } }
export interface EditCommentOp extends OpBase { type: 'edit-comment'; markerId: string; commentId: string; text: string }
export interface DeleteCommentOp extends OpBase { type: 'delete-comment'; markerId: string; commentId: string }
export interface MoveMarkerOp extends OpBase { type: 'move-marker'; markerId: string; x: number; y: number }
export interface ResolveMarkerOp extends OpBase { type: 'resolve-marker'; markerId: string; resolved: boolean }
export interface DeleteMarkerOp extends OpBase { type: 'delete-marker'; markerId: string }

/** The seven operations that change a room. Each carries a client-generated `broadcastId` (its idempotency key). */
export type Op =
  | CreateMarkerOp
  | AddCommentOp
  | EditCommentOp
  | DeleteCommentOp
  | MoveMarkerOp
  | ResolveMarkerOp
  | DeleteMarkerOp;

export type OpType = Op['type'];

export const OP_TYPES: readonly OpType[] = [
  'create-marker',
  'add-comment',
  'edit-comment',
  'delete-comment',
  'move-marker',
  'resolve-marker',
  'delete-marker',
];

export type ClientMessage = HelloMessage | AuthMessage | SubscribeMessage | UnsubscribeMessage | Op;

// ---------------------------------------------------------------------------------------------------------------
// Server → client

/** What an `image-chat-updated` event changed: always a delta, never the whole thread. */
export type Change =
  | { kind: 'comment-added'; comment: Comment }
  | { kind: 'comment-edited'; comment: Comment }
  | { kind: 'comment-deleted'; commentId: string }
  | { kind: 'marker-moved'; x: number; y: number }
  | { kind: 'marker-resolved'; resolved: boolean };

export interface MarkerCreatedEvent { type: 'new-image-chat'; room: string; seq: number; broadcastId: string; marker: Marker }
export interface MarkerUpdatedEvent {
  type: 'image-chat-updated';
  room: string;
  seq: number;
  broadcastId: string;
  markerId: string;
  change: Change;
}
export interface MarkerDeletedEvent { type: 'deleted-image-chat'; room: string; seq: number; broadcastId: string; markerId: string }

/** A committed change to a room, numbered by the room's gap-free `seq`. */
export type RoomEvent = MarkerCreatedEvent | MarkerUpdatedEvent | MarkerDeletedEvent;

export interface WelcomeMessage { type: 'welcome'; protocol: number; user: User; guestToken?: string }
export interface SnapshotMessage { type: 'snapshot'; room: string; epoch: string; seq: number; markers: Marker[] }
export interface SubscribedMessage { type: 'subscribed'; room: string; epoch: string; seq: number }
export interface BatchMessage { type: 'batch'; events: RoomEvent[] }
export interface AckMessage { type: 'ack'; broadcastId: string; seq: number }
export interface ErrorMessage { type: 'error'; broadcastId?: string; code: ErrorCode; message: string; room?: string }
export interface PingMessage { type: 'ping' }
/**
 * Who is looking at a room now, across every process: `count` distinct users (a user with three tabs counts once),
 * `viewers` the first 20 of them, in the order they came. Sent after the opening (`snapshot` or `subscribed`), then
 * when it changes, at most once a second per room. Ephemeral: no seq, not in the event log, never replayed.
 */
export interface PresenceMessage { type: 'presence'; room: string; count: number; viewers: User[] }

/** How many viewers a presence message lists at most (`count` still counts them all). */
export const PRESENCE_VIEWERS = 20;

export type ServerMessage =
  | WelcomeMessage
  | SnapshotMessage
  | SubscribedMessage
  | RoomEvent
  | BatchMessage
  | AckMessage
  | ErrorMessage
  | PingMessage
  | PresenceMessage;

/** The `image-chat-updated` and friends, as a type guard for code that handles events and other messages apart. */
export function isRoomEvent(message: { type: string }): message is RoomEvent {
  return message.type === 'new-image-chat' || message.type === 'image-chat-updated' || message.type === 'deleted-image-chat';
}
