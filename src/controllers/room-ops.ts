/**
 * The user's ops on a room, run optimistically (SPEC §2): each shows at once as a pending entry, goes to this
 * user's other tabs, then to the server; its ack retires it (reported as an `image-chat-change` with origin
 * `local`), a refusal rolls it back with an `image-chat-error`. A failed op is kept so that Retry can send it again,
 * identical — never by itself.
 */
import type { Marker, Op, OpType, User } from '../../protocol/index.js';
import { newId } from '../core/ids.js';
import { addPending, markAcked, removePending, type RoomState } from '../core/room-state.js';
import type { ChangeKind } from '../core/room-messages.js';
import type { LocalRoom } from '../cache/local-room.js';
import type { Connection } from '../net/connection.js';
import type { ClientError } from '../net/types.js';

export interface ErrorDetail { code: ClientError['code']; message: string; action: OpType | 'connect' | 'auth' }

/** An op's outcome as the UI sees it: `ok`, or the error that rolled it back (and the id to `retry` it by). */
export type OpResult = { ok: true } | { ok: false; error: ErrorDetail; broadcastId?: string };

type OpBody<T extends OpType> = Omit<Extract<Op, { type: T }>, 'room' | 'broadcastId' | 'type'>;

/** What the ops need from the room they act on (the {@link RoomController}). */
export interface OpsHost {
  state: RoomState;
  readonly markers: readonly Marker[];
  readonly user: User | null;
  /** The room the ops go to now, and the connection and local copy that go with it; undefined when detached. */
  current(): { room: string; connection: Connection; local?: LocalRoom } | undefined;
  changed(): void;
  dispatch(type: 'image-chat-change' | 'image-chat-error', detail: unknown): void;
}

export class RoomOps {
  /** Ops that failed, by broadcastId, for {@link retry}. */
  private readonly failed = new Map<string, Op>();

  constructor(private readonly host: OpsHost) {}

  /** Builds the op with a fresh broadcastId and sends it. */
  run<T extends OpType>(type: T, body: OpBody<T>): Promise<OpResult> {
    const current = this.host.current();
    if (!current) return Promise.resolve(this.fail(type, { code: 'unavailable', message: 'Not connected.' }));
    return this.send({ ...body, type, room: current.room, broadcastId: newId() } as unknown as Op);
  }

  /**
   * Sends a failed op again, identical (same broadcastId and ids): if the first attempt was committed after all,
   * the server's idempotency answers with its ack and no second event. Nothing to retry (already retried, or
   * another room by now) resolves `ok` without sending anything.
   */
  retry(broadcastId: string): Promise<OpResult> {
    const op = this.failed.get(broadcastId);
    this.failed.delete(broadcastId);
    return op && op.room === this.host.current()?.room ? this.send(op) : Promise.resolve({ ok: true });
  }

  /** Shows the op at once, sends it, and rolls it back (keeping it for `retry`) if it fails. */
  private async send(op: Op): Promise<OpResult> {
    const { host } = this;
    const { type, broadcastId } = op;
    const current = host.current();
    if (!current) return this.fail(type, { code: 'unavailable', message: 'Not connected.' });
    const { connection, local } = current;
    const author = host.user ?? { id: '', name: '' };
    const kind = changeKind(op, host.markers); // judged before the op shows
    const now = Date.now();
    host.state = addPending(host.state, { op, broadcastId, author, createdAt: now });
    host.changed();
    const markerId = op.type === 'create-marker' ? op.marker.id : op.markerId;
    // The other tabs show it now too, until its event reaches them (or the ack timeout passes unconfirmed).
    local?.post({ type: 'pending', op, broadcastId, author, createdAt: now, expiresAt: now + connection.options.ackTimeoutMs });
    const still = () => host.current()?.room === op.room && host.current()?.connection === connection;
    try {
      const ack = await connection.sendOp(op);
      if (!still()) return { ok: true };
      host.state = markAcked(host.state, broadcastId, ack.seq);
      host.changed();
      host.dispatch('image-chat-change', { kind, markerId, origin: 'local' });
      return { ok: true };
    } catch (error) {
      local?.post({ type: 'failed', broadcastId });
      if (still()) {
        host.state = removePending(host.state, broadcastId);
        host.changed();
      }
      const { code, message } = error as ClientError;
      this.failed.set(broadcastId, op);
      return { ok: false, error: this.fail(type, { code: code ?? 'internal', message: message ?? String(error) }).error, broadcastId };
    }
  }

  private fail(action: ErrorDetail['action'], error: ClientError): { ok: false; error: ErrorDetail } {
    const detail: ErrorDetail = { code: error.code, message: error.message, action };
    this.host.dispatch('image-chat-error', detail);
    return { ok: false, error: detail };
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
