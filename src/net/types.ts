/** Connection-level types shared by the transport, the registry and the controllers. */
import type { ErrorCode, ErrorMessage, PresenceMessage, RoomEvent, SnapshotMessage, SubscribedMessage } from '../../protocol/index.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed';
export type TransportName = 'websocket' | 'sse';
export type TransportPreference = 'auto' | TransportName;

/** Why an op or a connection failed, in the protocol's terms: what `image-chat-error` carries. */
export interface ClientError {
  code: ErrorCode;
  message: string;
}

/** What a connection routes to a room's subscribers. */
export type RoomMessage = SnapshotMessage | SubscribedMessage | RoomEvent | ErrorMessage;

/** A room subscriber: receives the room's messages and says where it stands, for resubscribing after a reconnect. */
export interface RoomSubscriber {
  onMessage(message: RoomMessage): void;
  /** Who views the room now (SPEC §2 `presence`): ephemeral, outside the seq order, so apart from `onMessage`. */
  onPresence?(message: PresenceMessage): void;
  /** The epoch and last applied seq, or nothing when it has no confirmed state yet. */
  position(): { epoch: string; since: number } | undefined;
  /**
   * `onMessage` threw (a bug, not the network): the fault, reported as `internal`. The connection then asks for a
   * fresh snapshot of the room, so that it does not freeze on the state the fault left.
   */
  onFault?(error: ClientError): void;
}

/** Makes a ClientError that is also an Error (useful stacks in consoles, `instanceof` in tests). */
export function clientError(code: ErrorCode, message: string): ClientError & Error {
  return Object.assign(new Error(message), { code });
}
