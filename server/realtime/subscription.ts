/**
 * One client's subscription to one room, whatever the transport. Implements SPEC §2's ordering rule: register with
 * the fan-out first (buffering), then read the log or the snapshot, then release buffered events above what was
 * sent. From then on events go out exactly once, in seq order, without gaps: out-of-order deliveries are held until
 * the missing seq arrives, and a long-held gap is filled from the event log (or, once trimmed, by a fresh snapshot).
 */
import type { RoomEvent, SnapshotMessage, SubscribedMessage } from '../../protocol/messages.js';
import type { Fanout } from '../fanout/fanout.js';
import type { Storage } from '../storage/storage.js';

/** Where a subscription's messages go: a WebSocket session or an SSE stream. */
export interface SubscriptionSink {
  snapshot(message: SnapshotMessage): void;
  /** Events in seq order; `replay` is true for the catch-up after a subscribe (a transport may batch those). */
  events(events: RoomEvent[], epoch: string, replay: boolean): void;
  subscribed(message: SubscribedMessage): void;
}

export interface SubscribePosition {
  epoch?: string;
  since?: number;
}

// Events held while waiting for a missing seq before the log is asked for it.
const MAX_HELD = 64;

export class Subscription {
  private lastSent = -1;
  private buffering = true;
  private readonly buffered: RoomEvent[] = [];
  private readonly held = new Map<number, RoomEvent>();
  private catchingUp = false;
  private closed = false;
  private readonly unsubscribe: () => void;
  private epoch = '';

  private constructor(
    private readonly storage: Storage,
    fanout: Fanout,
    readonly tenant: string,
    readonly room: string,
    private readonly sink: SubscriptionSink,
  ) {
    this.unsubscribe = fanout.subscribe(tenant, room, (event) => this.onEvent(event));
  }

  /** Opens a subscription and sends its opening (replay + subscribed, or snapshot), then goes live. */
  static async open(
    deps: { storage: Storage; fanout: Fanout },
    tenant: string,
    room: string,
    position: SubscribePosition,
    sink: SubscriptionSink,
  ): Promise<Subscription> {
    const subscription = new Subscription(deps.storage, deps.fanout, tenant, room, sink);
    try {
      await subscription.start(position);
    } catch (err) {
      subscription.close();
      throw err;
    }
    return subscription;
  }

  private async start({ epoch, since }: SubscribePosition): Promise<void> {
    const storage = this.storage;
    this.epoch = storage.epoch;
    const replay = since !== undefined && epoch === storage.epoch ? await storage.eventsSince(this.tenant, this.room, since) : null;
    if (this.closed) return;
    if (replay) {
      if (replay.events.length > 0) this.sink.events(replay.events, this.epoch, true);
      this.sink.subscribed({ type: 'subscribed', room: this.room, epoch: this.epoch, seq: replay.seq });
      this.lastSent = replay.seq;
    } else {
      const snapshot = await storage.snapshot(this.tenant, this.room);
      if (this.closed) return;
      this.sink.snapshot({ type: 'snapshot', room: this.room, epoch: snapshot.epoch, seq: snapshot.seq, markers: snapshot.markers });
      this.lastSent = snapshot.seq;
    }
    this.buffering = false;
    for (const event of this.buffered.splice(0)) this.deliver(event);
  }

  private onEvent(event: RoomEvent): void {
    if (this.closed) return;
    if (this.buffering) this.buffered.push(event);
    else this.deliver(event);
  }

  private deliver(event: RoomEvent): void {
    if (event.seq <= this.lastSent) return;
    this.held.set(event.seq, event);
    const ready: RoomEvent[] = [];
    for (let next = this.held.get(this.lastSent + 1); next; next = this.held.get(this.lastSent + 1)) {
      this.held.delete(next.seq);
      ready.push(next);
      this.lastSent = next.seq;
    }
    if (ready.length > 0) this.sink.events(ready, this.epoch, false);
    if (this.held.size > MAX_HELD) void this.catchUp();
  }

  /** Fills a gap from the event log (an event lost between processes, say). */
  private async catchUp(): Promise<void> {
    if (this.catchingUp) return;
    this.catchingUp = true;
    try {
      const missing = await this.storage.eventsSince(this.tenant, this.room, this.lastSent);
      if (this.closed) return;
      if (missing) {
        for (const event of missing.events) this.deliver(event);
        return;
      }
      // The log no longer holds the gap: a fresh snapshot resets the client (it accepts one at any time).
      const snapshot = await this.storage.snapshot(this.tenant, this.room);
      if (this.closed) return;
      this.sink.snapshot({ type: 'snapshot', room: this.room, epoch: snapshot.epoch, seq: snapshot.seq, markers: snapshot.markers });
      this.lastSent = snapshot.seq;
      const later = [...this.held.values()].filter((event) => event.seq > snapshot.seq);
      this.held.clear();
      for (const event of later) this.deliver(event);
    } finally {
      this.catchingUp = false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.held.clear();
    this.buffered.length = 0;
  }
}
