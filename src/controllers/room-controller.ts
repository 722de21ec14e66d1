/**
 * Keeps one room in sync for an element: subscribes on the shared connection, holds the {@link RoomState}
 * (confirmed + pending) and applies the server's messages to it (`core/room-messages.ts`), runs the user's ops
 * optimistically (`room-ops.ts`), and follows the element's target (`retarget.ts`). With this browser's other tabs
 * and its IndexedDB cache ({@link LocalRoom}): the last confirmed state shows at once on load (read-only until the
 * server confirms it), the subscription resuming from its `seq`, and other tabs' ops show as pending entries.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LIMITS, type Marker, type PresenceMessage, type User } from '../../protocol/index.js';
import { receiveRoomMessage } from '../core/room-messages.js';
import { addTabPending, applySnapshot, dropExpired, emptyRoomState, removePending, visibleMarkers, type RoomState } from '../core/room-state.js';
import { newId } from '../core/ids.js';
import type { LocalRoom } from '../cache/local-room.js';
import type { Connection } from '../net/connection.js';
import { acquireConnection, reauthenticate, type ConnectionLease } from '../net/registry.js';
import type { TabMessage } from '../tabs/tab-channel.js';
import type { ConnectionState, RoomMessage, TransportName } from '../net/types.js';
import { RoomOps, type OpResult } from './room-ops.js';
import { retarget, type RoomTarget } from './retarget.js';

export type { ChangeDetail, ChangeKind, ChangeOrigin } from '../core/room-messages.js';
export type { ErrorDetail, OpResult } from './room-ops.js';
export type { RoomTarget } from './retarget.js';
export interface ConnectionDetail { state: ConnectionState; transport: TransportName | null }
/** Who views the room now: `count` distinct users, `viewers` the first 20 of them (the user included). */
export interface PresenceDetail { count: number; viewers: User[] }

/** How long a subscription waits for the cache read, to resume from its seq; a slow database does not hold it longer. */
const READ_WAIT_MS = 300;

/**
 * This browser's copy of rooms and the channel to other tabs (cache/local-room.ts, with idb-keyval): a chunk of its
 * own, loaded with the first room — in parallel with the connection, whose round trip it easily beats.
 */
let localModule: typeof import('../cache/local-room.js') | undefined;
let loadingLocal: Promise<unknown> | undefined;
function loadLocal(): Promise<unknown> {
  return (loadingLocal ??= import('../cache/local-room.js').then((m) => (localModule = m)));
}

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
  /** Who views the room now, from the server's latest `presence` (null until one came for this room). */
  presence: PresenceMessage | null = null;

  private lease?: ConnectionLease;
  private stopRoom?: () => void;
  private stopListening?: () => void;
  private target?: RoomTarget;
  private resyncing = false;
  /** Counts room starts (re-subscriptions): work begun for an earlier one stops there. */
  private generation = 0;
  private visible?: { state: RoomState; markers: readonly Marker[] };
  private local?: LocalRoom;
  private expiry?: ReturnType<typeof setTimeout>;
  private readonly ops: RoomOps;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly getTarget: () => RoomTarget | undefined,
  ) {
    host.addController(this);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.ops = new RoomOps({
      get state() {
        return self.state;
      },
      set state(state) {
        self.state = state;
      },
      get markers() {
        return self.markers;
      },
      get user() {
        return self.user;
      },
      current: () => (this.target && this.lease ? { room: this.target.room, connection: this.lease.connection, local: this.local } : undefined),
      changed: () => this.host.requestUpdate(),
      dispatch: (type, detail) => this.dispatch(type, detail),
    });
  }

  /** Confirmed markers with pending ops on top: what to render. */
  get markers(): readonly Marker[] {
    if (this.visible?.state !== this.state) this.visible = { state: this.state, markers: visibleMarkers(this.state) };
    return this.visible.markers;
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

  /** Follows the element's target (the host calls this from `willUpdate` when server, tenant, token or room change). */
  sync(): void {
    const next = this.getTarget();
    const plan = retarget(this.target, next, !!this.lease);
    if (plan.reauthenticate) reauthenticate(this.lease!, next!.token!);
    if (!plan.keepConnection) this.detach();
    else if (plan.resubscribe) this.stopRoom?.();
    this.target = next;
    if (!plan.resubscribe) {
      // A new token for the same room: another user, so another cache entry and tab channel.
      this.openLocal();
      if (!next) {
        this.state = emptyRoomState();
        this.cachedAt = null;
        this.host.requestUpdate();
      }
      return;
    }
    const generation = ++this.generation;
    this.state = emptyRoomState();
    this.presence = null;
    this.cachedAt = null;
    this.resyncing = false;
    if (!this.lease) this.attach(next!);
    this.openLocal();
    if (next!.room.length > LIMITS.maxRoomLength) {
      // A fault reported as an event, not a throw: a long `src` used as the default room lands here.
      const message = `room must be 1–${LIMITS.maxRoomLength} characters; set the room attribute (the default is src).`;
      queueMicrotask(() => this.dispatch('image-chat-error', { code: 'bad-request', message, action: 'connect' }));
      return this.host.requestUpdate();
    }
    const target = next!;
    const subscribe = (): void => {
      if (generation !== this.generation) return; // retargeted meanwhile
      this.stopRoom = this.lease!.connection.subscribe(target.room, {
        onMessage: (message) => this.receive(message),
        onPresence: (message) => {
          this.presence = message;
          this.dispatch('image-chat-presence', { count: message.count, viewers: message.viewers });
          this.host.requestUpdate();
        },
        position: () => (this.state.epoch === null ? undefined : { epoch: this.state.epoch, since: this.state.seq }),
        onFault: (error) => this.dispatch('image-chat-error', { code: error.code, message: error.message, action: 'connect' }),
      });
    };
    if (!this.lease?.connection.userKey || typeof indexedDB === 'undefined') subscribe();
    else {
      // The cached state shows as soon as it is read (unless the server was faster), and the subscription waits for
      // it, briefly, to resume from its seq.
      const read = loadLocal().then(() => {
        this.openLocal();
        return generation === this.generation ? this.local?.read() : undefined;
      }).then((cached) => {
        if (cached && generation === this.generation && this.state.epoch === null) {
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
    return this.ops.run('create-marker', { marker: { id: markerId, x, y }, comment: { id: newId(), text } });
  }
  addComment(markerId: string, text: string): Promise<OpResult> {
    return this.ops.run('add-comment', { markerId, comment: { id: newId(), text } });
  }
  editComment(markerId: string, commentId: string, text: string): Promise<OpResult> {
    return this.ops.run('edit-comment', { markerId, commentId, text });
  }
  deleteComment(markerId: string, commentId: string): Promise<OpResult> {
    return this.ops.run('delete-comment', { markerId, commentId });
  }
  moveMarker(markerId: string, x: number, y: number): Promise<OpResult> {
    return this.ops.run('move-marker', { markerId, x, y });
  }
  resolveMarker(markerId: string, resolved: boolean): Promise<OpResult> {
    return this.ops.run('resolve-marker', { markerId, resolved });
  }
  deleteMarker(markerId: string): Promise<OpResult> {
    return this.ops.run('delete-marker', { markerId });
  }
  /** Sends a failed op again, identical; never happens by itself (see {@link RoomOps.retry}). */
  retry(broadcastId: string): Promise<OpResult> {
    return this.ops.retry(broadcastId);
  }

  private receive(message: RoomMessage): void {
    const outcome = receiveRoomMessage(this.state, this.resyncing, this.cachedAt !== null, message);
    this.state = outcome.state;
    this.resyncing = outcome.resyncing;
    if (outcome.confirmed) this.cachedAt = null;
    if (outcome.forget) this.local?.forget();
    else if (outcome.save) this.local?.save(this.state);
    if (outcome.resync && this.target) this.lease?.connection.resubscribe(this.target.room);
    if (message.type === 'error') this.dispatch('image-chat-error', { code: message.code, message: message.message, action: 'connect' });
    if (outcome.announce.length > 0) this.announcements = [...this.announcements, ...outcome.announce];
    for (const change of outcome.changes) this.dispatch('image-chat-change', change);
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
   * Keeps {@link LocalRoom} on the current server + tenant + user + room. The connection knows the user (from the
   * token or the stored guest token, so the cache can show before the server answers; a new guest from its welcome).
   */
  private openLocal(): void {
    const connection = this.lease?.connection;
    const userId = connection?.userKey;
    const target = this.target;
    if (!connection || !target || !userId) {
      this.local?.close();
      this.local = undefined;
      return;
    }
    const key = { server: connection.options.server, tenant: target.tenant, userId, room: target.room };
    if (this.local?.id === JSON.stringify(key)) return;
    this.local?.close();
    this.local = undefined;
    if (!localModule) return void loadLocal().then(() => this.openLocal());
    this.local = new localModule.LocalRoom(key, (m) => this.fromTab(m));
    // What the server confirmed before this copy opened (the module came after the snapshot) is saved now.
    if (this.state.epoch !== null && this.cachedAt === null) this.local.save(this.state);
  }

  private attach(target: RoomTarget): void {
    this.lease = acquireConnection({ server: target.server, tenant: target.tenant, token: target.token, transport: target.transport, ...target.connection });
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

