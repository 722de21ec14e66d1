/**
 * The element's real sync code — RoomController over the shared Connection — driven under Node, so resilience tests
 * exercise what ships: Node 20 has no WebSocket, so `ws`'s class is given to the connection, and an EventSource on
 * fetch; localStorage is a Map.
 */
import WebSocket from 'ws';
import type { Marker } from '../../../protocol/messages.js';
import { RoomController, type ChangeDetail, type ErrorDetail } from '../../../src/controllers/room-controller.js';
import type { Connection } from '../../../src/net/connection.js';
import type { TransportPreference } from '../../../src/net/types.js';
import { fakeHost, installLocalStorage } from '../../../test-support/fakes.js';
import { NodeEventSource } from '../../../test-support/node-event-source.js';

/** What every RoomClient's connection gets: Node's classes, and short reconnect delays (tests wait; they never time). */
export const NODE_CONNECTION = {
  WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  EventSource: NodeEventSource as unknown as typeof globalThis.EventSource,
  minDelayMs: 200,
  maxDelayMs: 1000,
};

/** Gives this process a localStorage (guest identities survive reconnects, as in a browser). */
export function useNodeTransport(): void {
  installLocalStorage();
}

/** One `<image-chat>`'s worth of client: a RoomController on a fake host that records its events. */
export class RoomClient {
  readonly changes: ChangeDetail[] = [];
  readonly errors: ErrorDetail[] = [];
  readonly controller: RoomController;

  /** `onUpdate` runs whenever the controller asks its host to render (after every message it applies). */
  constructor(server: string, room: string, options: { token?: string; transport?: TransportPreference; onUpdate?: (client: RoomClient) => void } = {}) {
    const { token, transport, onUpdate } = options;
    const { host } = fakeHost({
      onUpdate: () => onUpdate?.(this),
      onEvent: ({ type, detail }) => {
        if (type === 'image-chat-change') this.changes.push(detail);
        if (type === 'image-chat-error') this.errors.push(detail);
      },
    });
    this.controller = new RoomController(host, () => ({ server, tenant: 'demo', room, token, transport, connection: NODE_CONNECTION }));
    this.controller.hostConnected();
  }

  get connection(): Connection {
    return (this.controller as unknown as { lease: { connection: Connection } }).lease.connection;
  }

  /** Open, caught up with `seq`, and nothing of its own pending. */
  settledAt(seq: number): boolean {
    const { state } = this.controller;
    return this.connection.state === 'open' && state.seq === seq && state.pending.length === 0;
  }

  close(): void {
    this.controller.hostDisconnected();
  }
}

/** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
export async function until(predicate: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Markers in a canonical order, for comparing a client's state with a snapshot. */
export function canonical(markers: readonly Marker[]): Marker[] {
  return [...markers].sort((a, b) => (a.id < b.id ? -1 : 1));
}
