/**
 * The ops a {@link Connection} sent that await their answer, by `broadcastId`: it sends each one (as a frame on the
 * open link, else by POST), settles it on its ack, its `error`, its own event, or a timeout, and keeps an op whose
 * answer the link lost pending until its room's resync settles it (SPEC §2: never queued, never resent).
 */
import { LIMITS, type AckMessage, type ErrorMessage, type Op } from '../../protocol/index.js';
import { settleLostOp } from '../core/resync.js';
import { answersHttp, postOp } from './http.js';
import { clientError, type ClientError, type RoomMessage } from './types.js';

interface PendingAck {
  op: Op;
  resolve(ack: AckMessage): void;
  reject(error: ClientError): void;
  timer?: ReturnType<typeof setTimeout>;
  /** Sent as a frame on the current link (POSTs don't depend on it). */
  framed?: boolean;
  /** The link went away before the ack: the room's resync settles it. */
  lost?: boolean;
}

/** What the tracker needs from its connection. */
export interface OpAcksHost {
  readonly options: { readonly server: string; readonly tenant: string };
  /** The token POSTs act with (the host's, else the stored guest's). */
  token(): string | undefined;
  /** Asks again for a room: the resync that tells whether a lost op was committed. */
  resubscribe(room: string): void;
}

const LOST = 'The connection was lost before the server confirmed this change: it was not saved.';
const UNCONFIRMED = 'The connection was lost and this change could not be confirmed: retry to make sure it is saved.';

export class OpAcks {
  private readonly acks = new Map<string, PendingAck>();

  constructor(
    private readonly host: OpAcksHost,
    private readonly o: { ackTimeoutMs: number; lostTimeoutMs: number },
  ) {}

  /**
   * Sends an op: as a frame by `frame` (an open WebSocket), else by POST (with the link down, only once the server
   * is seen to answer). Resolves with its ack; see `Connection.sendOp`.
   */
  send(op: Op, open: boolean, frame?: (data: string) => void): Promise<AckMessage> {
    const data = JSON.stringify(op);
    // A frame over the limit would make the server close the socket (1009) for everyone on it: refuse it here.
    if (new TextEncoder().encode(data).length > LIMITS.maxFrameBytes) {
      return Promise.reject(clientError('too-large', 'This change is too large to send.'));
    }
    return new Promise<AckMessage>((resolve, reject) => {
      const pending: PendingAck = { op, resolve, reject };
      pending.timer = setTimeout(() => {
        if (!pending.lost) this.settle(op.broadcastId, (p) => p.reject(clientError('unavailable', 'The server did not confirm this change in time.')));
      }, this.o.ackTimeoutMs);
      this.acks.set(op.broadcastId, pending);
      if (open && frame) {
        pending.framed = true;
        frame(data);
      } else if (open) this.post(pending);
      else {
        // The link is down: POST, but only once the server is seen to answer, so that an op reported
        // `unavailable` surely never reached it.
        void answersHttp(this.host.options.server).then((up) =>
          up ? this.post(pending) : this.settle(op.broadcastId, (p) => p.reject(clientError('unavailable', 'The image-chat server cannot be reached.'))),
        );
      }
    });
  }

  /** Settles an op on its `ack` or `error`; false when no op awaits it. */
  reply(message: AckMessage | ErrorMessage): boolean {
    return this.settle(message.broadcastId!, (p) =>
      message.type === 'ack' ? p.resolve(message) : p.reject(clientError(message.code, message.message)),
    );
  }

  /**
   * Settles the room's ops that a room message confirms (their event) or, after a resync, shows never committed.
   * `caughtUp` tells whether a `subscribed` ends the resync (else one follows).
   */
  route(room: string, message: RoomMessage, caughtUp: (message: { epoch: string; seq: number }) => boolean): void {
    for (const [id, p] of this.acks) {
      if (p.op.room !== room) continue;
      if ('broadcastId' in message && message.broadcastId === id && 'seq' in message) {
        this.settle(id, (a) => a.resolve({ type: 'ack', broadcastId: id, seq: message.seq }));
      } else if (p.lost && (message.type !== 'subscribed' || caughtUp(message))) {
        const outcome = settleLostOp(p.op, message);
        if (outcome === 'failed') this.settle(id, (a) => a.reject(clientError('unavailable', LOST)));
        // Confirmed by a snapshot: its seq is applied, so the op retires.
        else if (outcome === 'confirmed' && message.type === 'snapshot') this.settle(id, (a) => a.resolve({ type: 'ack', broadcastId: id, seq: message.seq }));
      }
    }
  }

  /** The link went away: ops sent over it that await an ack are now lost. */
  loseFramed(): void {
    for (const p of this.acks.values()) if (p.framed) this.lose(p);
  }

  /**
   * Fails the lost ops of a room no one subscribes to any more (no resync will come to settle them) or, without a
   * room, every pending op (the connection closed or was refused).
   */
  fail(room?: string): void {
    for (const [id, p] of this.acks) if (!room || (p.lost && p.op.room === room)) this.settle(id, (a) => a.reject(clientError('unavailable', LOST)));
  }

  /** An op by `POST`: the SSE transport's way up, and WebSocket's while its link is down. */
  private post(pending: PendingAck): void {
    const { server, tenant } = this.host.options;
    postOp(server, tenant, this.host.token(), pending.op).then(
      (reply) => this.reply({ ...reply, broadcastId: pending.op.broadcastId }),
      () => {
        // Sent, maybe committed, answer lost: a resync of its room tells (now, or after the reconnect).
        this.lose(pending);
        this.host.resubscribe(pending.op.room);
      },
    );
  }

  private lose(pending: PendingAck): void {
    if (pending.lost) return;
    clearTimeout(pending.timer);
    pending.lost = true;
    pending.timer = setTimeout(
      () => this.settle(pending.op.broadcastId, (p) => p.reject(clientError('unavailable', UNCONFIRMED))),
      this.o.lostTimeoutMs,
    );
  }

  private settle(broadcastId: string, settle: (pending: PendingAck) => void): boolean {
    const pending = this.acks.get(broadcastId);
    if (!pending) return false;
    clearTimeout(pending.timer);
    this.acks.delete(broadcastId);
    settle(pending);
    return true;
  }
}
