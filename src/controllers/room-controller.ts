/**
 * Keeps one room in sync for an element: subscribes on the shared connection, holds the {@link RoomState}
 * (confirmed + pending), applies events in `seq` order (re-subscribing on a gap), and runs the user's ops
 * optimistically — shown at once, rolled back with an `image-chat-error` when the server refuses them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LIMITS, type Marker, type Op, type OpType, type User } from '../../protocol/index.js';
import {
  addPending,
  applyEvents,
  applySnapshot,
  emptyRoomState,
  markAcked,
  removePending,
  visibleMarkers,
  type RoomState,
} from '../core/room-state.js';
import { newId } from '../core/ids.js';
import type { Connection } from '../net/connection.js';
import { acquireConnection, reauthenticate, type ConnectionLease } from '../net/registry.js';
import type { ClientError, ConnectionState, RoomMessage, TransportName, TransportPreference } from '../net/types.js';

export interface RoomTarget {
  server: string;
  tenant: string;
  token?: string;
  room: string;
  transport?: TransportPreference;
}

export type ChangeKind = 'created' | 'updated' | 'deleted';
export type ChangeOrigin = 'local' | 'tab' | 'remote';

export interface ChangeDetail { kind: ChangeKind; markerId: string; origin: ChangeOrigin }
export interface ConnectionDetail { state: ConnectionState; transport: TransportName | null }
export interface ErrorDetail { code: ClientError['code']; message: string; action: OpType | 'connect' | 'auth' }

/** An op's outcome as the UI sees it: `ok`, or the error that rolled it back (and the id to `retry` it by). */
export type OpResult = { ok: true } | { ok: false; error: ErrorDetail; broadcastId?: string };

type OpBody<T extends OpType> = Omit<Extract<Op, { type: T }>, 'room' | 'broadcastId' | 'type'>;

export class RoomController implements ReactiveController {
  state: RoomState = emptyRoomState();
  connectionState: ConnectionState = 'connecting';
  transport: TransportName | null = null;
  /** Who we are on this connection (null until `welcome`). */
  user: User | null = null;
  /** Events from others that created markers since the host last looked: the host announces them. */
  announcements: Marker[] = [];

  private lease?: ConnectionLease;
  private stopRoom?: () => void;
  private stopListening?: () => void;
  private target?: RoomTarget;
  private resyncing = false;
  private cachedVisible?: { state: RoomState; markers: readonly Marker[] };
  /** Ops that failed, by broadcastId, for {@link retry}. */
  private readonly failed = new Map<string, Op>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly getTarget: () => RoomTarget | undefined,
  ) {
    host.addController(this);
  }

  /** Confirmed markers with pending ops on top: what to render. */
  get markers(): readonly Marker[] {
    if (this.cachedVisible?.state !== this.state) this.cachedVisible = { state: this.state, markers: visibleMarkers(this.state) };
    return this.cachedVisible.markers;
  }

  /** Whether the room's first snapshot has arrived. */
  get ready(): boolean {
    return this.state.epoch !== null;
  }

  hostConnected(): void {
    this.sync();
  }

  hostDisconnected(): void {
    this.detach();
  }

  /** Re-subscribes when the server, tenant, token or room changed (the host calls this from `willUpdate`). */
  sync(): void {
    const next = this.getTarget();
    const prev = this.target;
    if (next && prev && next.server === prev.server && next.tenant === prev.tenant && next.token === prev.token && next.room === prev.room && this.lease) return;
    const sameServer = !!(next && prev && this.lease && next.server === prev.server && next.tenant === prev.tenant);
    if (sameServer && next!.token && next!.token !== prev!.token) {
      // A fresh token: re-authenticate in place, keeping this and the other elements' subscriptions.
      reauthenticate(this.lease!, next!.token);
      if (next!.room === prev!.room) {
        this.target = next;
        return;
      }
    }
    const sameConnection = sameServer && (next!.token === prev!.token || !!next!.token);
    if (!sameConnection) this.detach();
    else this.stopRoom?.();
    this.target = next;
    this.state = emptyRoomState();
    this.resyncing = false;
    if (!next) return this.host.requestUpdate();
    if (!this.lease) this.attach(next);
    if (next.room.length > LIMITS.maxRoomLength) {
      // A fault reported as an event, not a throw: a long `src` used as the default room lands here.
      queueMicrotask(() =>
        this.dispatch('image-chat-error', {
          code: 'bad-request',
          message: `room must be 1–${LIMITS.maxRoomLength} characters; set the room attribute (the default is src).`,
          action: 'connect',
        }),
      );
      return this.host.requestUpdate();
    }
    this.stopRoom = this.lease!.connection.subscribe(next.room, {
      onMessage: (message) => this.receive(message),
      position: () => (this.state.epoch === null ? undefined : { epoch: this.state.epoch, since: this.state.seq }),
    });
    this.host.requestUpdate();
  }

  /** Creates a marker with its first comment; the caller may choose the marker id (to open its thread at once). */
  createMarker(x: number, y: number, text: string, markerId: string = newId()): Promise<OpResult> {
    return this.run('create-marker', { marker: { id: markerId, x, y }, comment: { id: newId(), text } });
  }
  addComment(markerId: string, text: string): Promise<OpResult> {
    return this.run('add-comment', { markerId, comment: { id: newId(), text } });
  }
  editComment(markerId: string, commentId: string, text: string): Promise<OpResult> {
    return this.run('edit-comment', { markerId, commentId, text });
  }
  deleteComment(markerId: string, commentId: string): Promise<OpResult> {
    return this.run('delete-comment', { markerId, commentId });
  }
  moveMarker(markerId: string, x: number, y: number): Promise<OpResult> {
    return this.run('move-marker', { markerId, x, y });
  }
  resolveMarker(markerId: string, resolved: boolean): Promise<OpResult> {
    return this.run('resolve-marker', { markerId, resolved });
  }
  deleteMarker(markerId: string): Promise<OpResult> {
    return this.run('delete-marker', { markerId });
  }

  /**
   * Sends a failed op again, identical (same broadcastId and ids): if the first attempt was committed after all,
   * the server's idempotency answers with its ack and no second event. Never happens by itself. Nothing to retry
   * (already retried, or another room by now) resolves `ok` without sending anything.
   */
  retry(broadcastId: string): Promise<OpResult> {
    const op = this.failed.get(broadcastId);
    this.failed.delete(broadcastId);
    return op && op.room === this.target?.room ? this.send(op) : Promise.resolve({ ok: true });
  }

  /** Builds the op with a fresh broadcastId and sends it. */
  private run<T extends OpType>(type: T, body: OpBody<T>): Promise<OpResult> {
    if (!this.target) return Promise.resolve(this.fail(type, { code: 'unavailable', message: 'Not connected.' }));
    return this.send({ ...body, type, room: this.target.room, broadcastId: newId() } as unknown as Op);
  }

  /** Shows the op at once, sends it, and rolls it back (keeping it for `retry`) if it fails. */
  private async send(op: Op): Promise<OpResult> {
    const { type, broadcastId } = op;
    const target = this.target;
    const connection = this.lease?.connection;
    if (!target || !connection) return this.fail(type, { code: 'unavailable', message: 'Not connected.' });
    const author = this.user ?? { id: '', name: '' };
    const kind = changeKind(op, this.markers); // judged before the op shows
    this.state = addPending(this.state, { op, broadcastId, author, createdAt: Date.now() });
    this.host.requestUpdate();
    const markerId = op.type === 'create-marker' ? op.marker.id : op.markerId;
    try {
      const ack = await connection.sendOp(op);
      if (this.target !== target) return { ok: true };
      this.state = markAcked(this.state, broadcastId, ack.seq);
      this.host.requestUpdate();
      this.dispatch('image-chat-change', { kind, markerId, origin: 'local' });
      return { ok: true };
    } catch (error) {
      if (this.target === target) {
        this.state = removePending(this.state, broadcastId);
        this.host.requestUpdate();
      }
      const { code, message } = error as ClientError;
      this.failed.set(broadcastId, op);
      return { ok: false, error: this.fail(type, { code: code ?? 'internal', message: message ?? String(error) }).error, broadcastId };
    }
  }

  private fail(action: ErrorDetail['action'], error: ClientError): { ok: false; error: ErrorDetail } {
    const detail: ErrorDetail = { code: error.code, message: error.message, action };
    this.dispatch('image-chat-error', detail);
    return { ok: false, error: detail };
  }

  private receive(message: RoomMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.resyncing = false;
        this.state = applySnapshot(this.state, message);
        break;
      case 'subscribed':
        this.resyncing = false;
        // The replay ended below where the server stands: something was lost on the way; ask again.
        if (message.epoch !== this.state.epoch || message.seq > this.state.seq) this.resync();
        break;
      case 'error':
        this.dispatch('image-chat-error', { code: message.code, message: message.message, action: 'connect' });
        break;
      default: {
        const own = new Set(this.state.pending.map((p) => p.broadcastId));
        const result = applyEvents(this.state, [message]);
        this.state = result.state;
        // While a resync is under way, live events ahead of the replay are gaps too: the replay (which applies
        // normally) or the snapshot will cover them, so they must not start yet another resync.
        if (result.outcome === 'gap' && !this.resyncing) this.resync();
        for (const event of result.applied) {
          if (own.has(event.broadcastId)) continue; // ours: reported as `local` when acked
          const kind = event.type === 'new-image-chat' ? 'created' : event.type === 'deleted-image-chat' ? 'deleted' : 'updated';
          const markerId = event.type === 'new-image-chat' ? event.marker.id : event.markerId;
          if (event.type === 'new-image-chat') this.announcements = [...this.announcements, event.marker];
          this.dispatch('image-chat-change', { kind, markerId, origin: 'remote' });
        }
      }
    }
    this.host.requestUpdate();
  }

  private resync(): void {
    this.resyncing = true;
    if (this.target) this.lease?.connection.resubscribe(this.target.room);
  }

  private attach(target: RoomTarget): void {
    this.lease = acquireConnection({ server: target.server, tenant: target.tenant, token: target.token, transport: target.transport });
    const connection: Connection = this.lease.connection;
    this.user = connection.user;
    this.connectionState = connection.state;
    this.transport = connection.transport;
    this.stopListening = connection.listen({
      onState: (state) => {
        this.connectionState = state;
        this.transport = connection.transport;
        this.user = connection.user;
        if (state !== 'open') this.resyncing = false;
        this.dispatch('image-chat-connection', { state, transport: connection.transport });
        this.host.requestUpdate();
      },
      onUser: (user) => {
        this.user = user;
        this.host.requestUpdate();
      },
      onError: (error, action) => this.dispatch('image-chat-error', { code: error.code, message: error.message, action }),
    });
    // Late joiners still learn the current state once.
    queueMicrotask(() => this.dispatch('image-chat-connection', { state: connection.state, transport: connection.transport }));
  }

  private detach(): void {
    this.stopRoom?.();
    this.stopListening?.();
    this.lease?.release();
    this.stopRoom = this.stopListening = this.lease = undefined;
    this.target = undefined;
  }

  private dispatch(type: string, detail: unknown): void {
    this.host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

/** What an op does to its marker, judged on the markers as they were before it (for `image-chat-change`). */
function changeKind(op: Op, before: readonly Marker[]): ChangeKind {
  if (op.type === 'create-marker') return 'created';
  if (op.type === 'delete-marker') return 'deleted';
  if (op.type === 'delete-comment') {
    // Deleting a marker's last comment deletes the marker (SPEC §2).
    const marker = before.find((m) => m.id === op.markerId);
    if (marker && marker.comments.length <= 1) return 'deleted';
  }
  return 'updated';
}
