/**
 * Keeps one room in sync for an element: subscribes on the shared connection, holds the {@link RoomState}
 * (confirmed + pending), applies events in `seq` order (re-subscribing on a gap), and runs the user's ops
 * optimistically — shown at once, rolled back with an `image-chat-error` when the server refuses them.
 * With this browser's other tabs and its IndexedDB cache ({@link LocalRoom}): the user's ops are passed on to the
 * other tabs before the server's round trip, and the last confirmed state shows at once on load (read-only until the
 * server confirms it), the subscription resuming from its `seq`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LIMITS, type Marker, type Op, type OpType, type User } from '../../protocol/index.js';
import {
  addPending,
  addTabPending,
  applyEvents,
  applySnapshot,
  dropExpired,
  emptyRoomState,
  markAcked,
  removePending,
  visibleMarkers,
  type RoomState,
} from '../core/room-state.js';
import { newId } from '../core/ids.js';
import type { Connection } from '../net/connection.js';
import { loadGuestToken } from '../net/guest-token.js';
import { acquireConnection, normalizeServer, reauthenticate, type ConnectionLease } from '../net/registry.js';
import { LocalRoom, READ_WAIT_MS, tokenUser } from '../cache/local-room.js';
import type { TabMessage } from '../tabs/tab-channel.js';
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
  /**
   * When the markers shown come from this browser's cache and the server has not confirmed them yet: when they were
   * saved (epoch ms); null otherwise. The element shows them read-only meanwhile.
   */
  cachedAt: number | null = null;

  private lease?: ConnectionLease;
  private stopRoom?: () => void;
  private stopListening?: () => void;
  private target?: RoomTarget;
  private resyncing = false;
  private cachedVisible?: { state: RoomState; markers: readonly Marker[] };
  /** Ops that failed, by broadcastId, for {@link retry}. */
  private readonly failed = new Map<string, Op>();
  private local?: LocalRoom;
  private expiry?: ReturnType<typeof setTimeout>;

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
        this.openLocal(); // another user: another cache entry and tab channel
        return;
      }
    }
    const sameConnection = sameServer && (next!.token === prev!.token || !!next!.token);
    if (!sameConnection) this.detach();
    else this.stopRoom?.();
    this.target = next;
    this.state = emptyRoomState();
    this.cachedAt = null;
    this.resyncing = false;
    this.openLocal();
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
    const subscribe = (): void => {
      if (this.target !== next) return; // retargeted meanwhile
      this.stopRoom = this.lease!.connection.subscribe(next.room, {
        onMessage: (message) => this.receive(message),
        position: () => (this.state.epoch === null ? undefined : { epoch: this.state.epoch, since: this.state.seq }),
      });
    };
    const local = this.local;
    if (!local || typeof indexedDB === 'undefined') subscribe();
    else {
      // The cached state shows as soon as it is read (unless the server was faster), and the subscription waits for
      // it, briefly, to resume from its seq.
      const read = local.read().then((cached) => {
        if (cached && this.target === next && this.state.epoch === null) {
          this.state = applySnapshot(this.state, cached);
          this.cachedAt = cached.savedAt;
          this.host.requestUpdate();
        }
      });
      void Promise.race([read, new Promise((r) => setTimeout(r, READ_WAIT_MS))]).then(subscribe);
    }
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
    // The other tabs show it now too, until its event reaches them (or this deadline passes unconfirmed).
    const expiresAt = Date.now() + (connection.options.ackTimeoutMs ?? 10_000);
    this.local?.post({ type: 'pending', op, broadcastId, author, createdAt: Date.now(), expiresAt });
    try {
      const ack = await connection.sendOp(op);
      if (this.target !== target) return { ok: true };
      this.state = markAcked(this.state, broadcastId, ack.seq);
      this.host.requestUpdate();
      this.dispatch('image-chat-change', { kind, markerId, origin: 'local' });
      return { ok: true };
    } catch (error) {
      this.local?.post({ type: 'failed', broadcastId });
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
        this.cachedAt = null;
        this.state = applySnapshot(this.state, message);
        this.local?.save(this.state);
        break;
      case 'subscribed':
        this.resyncing = false;
        this.cachedAt = null;
        this.local?.save(this.state);
        // The replay ended below where the server stands: something was lost on the way; ask again.
        if (message.epoch !== this.state.epoch || message.seq > this.state.seq) this.resync();
        break;
      case 'error':
        if (message.code === 'forbidden') {
          // This user may not see the room (any more): nothing of it stays on screen or in this browser.
          this.local?.forget();
          this.state = emptyRoomState();
          this.cachedAt = null;
        }
        this.dispatch('image-chat-error', { code: message.code, message: message.message, action: 'connect' });
        break;
      default: {
        // Pending here: ours (reported as `local` when acked) or another tab's (reported as `tab` now, confirmed).
        const pending = new Map(this.state.pending.map((p) => [p.broadcastId, p.origin]));
        const result = applyEvents(this.state, [message]);
        this.state = result.state;
        if (result.applied.length > 0 && this.cachedAt === null) this.local?.save(this.state);
        // While a resync is under way, live events ahead of the replay are gaps too: the replay (which applies
        // normally) or the snapshot will cover them, so they must not start yet another resync.
        if (result.outcome === 'gap' && !this.resyncing) this.resync();
        for (const event of result.applied) {
          const origin = pending.has(event.broadcastId) ? pending.get(event.broadcastId) : 'remote';
          if (!origin) continue; // ours: reported as `local` when acked
          const kind = event.type === 'new-image-chat' ? 'created' : event.type === 'deleted-image-chat' ? 'deleted' : 'updated';
          const markerId = event.type === 'new-image-chat' ? event.marker.id : event.markerId;
          if (event.type === 'new-image-chat' && origin === 'remote') this.announcements = [...this.announcements, event.marker];
          this.dispatch('image-chat-change', { kind, markerId, origin });
        }
      }
    }
    this.host.requestUpdate();
  }

  /** A message from another tab of this user: show its op as pending, or drop it when its origin reports a failure. */
  private fromTab(message: TabMessage): void {
    this.state = message.type === 'failed' ? removePending(this.state, message.broadcastId) : addTabPending(this.state, message);
    this.expireTabEntries();
  }

  /** Drops the tab entries past their deadline, and sets a timer for the next deadline. */
  private expireTabEntries(): void {
    clearTimeout(this.expiry);
    this.state = dropExpired(this.state, Date.now());
    const next = Math.min(...this.state.pending.map((p) => p.expiresAt ?? Infinity));
    if (next < Infinity) this.expiry = setTimeout(() => this.expireTabEntries(), next - Date.now());
    this.host.requestUpdate();
  }

  /**
   * Keeps {@link LocalRoom} on the current server + tenant + user + room. The user comes from the token (or the stored
   * guest token) so that the cache can show before the server answers; a brand-new guest has none until `welcome`.
   */
  private openLocal(): void {
    const target = this.target;
    let userId: string | undefined;
    if (target) {
      const server = normalizeServer(target.server);
      const token = target.token ?? loadGuestToken(server, target.tenant);
      userId = token ? tokenUser(token) : this.user?.id;
      if (userId && this.local?.id !== JSON.stringify({ server, tenant: target.tenant, userId, room: target.room })) {
        this.local?.close();
        this.local = new LocalRoom({ server, tenant: target.tenant, userId, room: target.room }, (m) => this.fromTab(m));
      }
    }
    if (!userId) {
      this.local?.close();
      this.local = undefined;
    }
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
        this.openLocal(); // a new guest's identity is known from its welcome on
        this.dispatch('image-chat-connection', { state, transport: connection.transport });
        this.host.requestUpdate();
      },
      onUser: (user) => {
        this.user = user;
        this.openLocal();
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
    this.openLocal();
    clearTimeout(this.expiry);
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
