/**
 * What a {@link Connection} talks to: one physical link to the server (a WebSocket, or an SSE stream plus HTTP
 * POSTs). A transport opens once and closes once; reconnecting, backoff and fallback live in the connection, which
 * makes a new transport for every attempt. Like centrifuge-js's `transport_<name>.ts` files, each kind is one file.
 */
import type { ClientMessage, ServerMessage } from '../../protocol/index.js';
import type { TransportName } from './types.js';

export interface TransportEvents {
  /** The link is up; a WebSocket now wants its `hello` (an SSE stream needs none and reports `welcome` itself). */
  onOpen(): void;
  onMessage(message: ServerMessage): void;
  /** The link is gone: a WebSocket close code, 4401/4403 for a refused SSE stream, 1006 for anything else. */
  onClose(code: number): void;
}

export interface Transport {
  readonly name: TransportName;
  /** Whether `onOpen` has happened (an upgrade or a stream that opened, as opposed to one that never did). */
  readonly opened: boolean;
  /**
   * Sends a control message (`hello`, `auth`, `subscribe`, `unsubscribe`). Ops don't come here: they go by
   * WebSocket frame or by HTTP POST, which the connection decides.
   */
  send(message: ClientMessage): void;
  /** Whether ops can go over this link as frames (otherwise the connection POSTs them). */
  readonly framesOps: boolean;
  /** Writes an op frame (only when `framesOps`). */
  sendOp(frame: string): void;
  /** Closes without reporting `onClose`. */
  close(): void;
}

/** A room and, when known, where to resume it. */
export interface RoomPosition {
  room: string;
  epoch?: string;
  since?: number;
}
