/**
 * One client's subscription to one room, whatever the transport. Implements SPEC §2's ordering rule: register with
 * the fan-out first (buffering), then read the log or the snapshot, then release buffered events above what was
 * sent. From then on events go out exactly once, in seq order, without gaps: out-of-order deliveries are held until
 * the missing seq arrives; a gap that lasts (gap-watch.ts) or grows long is filled from the event log (or, once
 * trimmed, by a fresh snapshot), and so is whatever the fan-out says it may have lost (`onMaybeMissed`).
 */
import type { SnapshotMessage, SubscribedMessage, User } from '../../protocol/messages.js';
import { EventRun, type WireEvent } from '../fanout/event-run.js';
import type { Fanout, RunListener } from '../fanout/fanout.js';
import type { Presence, PresenceViewer } from '../presence/presence.js';
import type { Storage } from '../storage/storage.js';
import { unwatchGap, watchGap, type GapHolder } from './gap-watch.js';
import { sharedEventsSince } from './shared-reads.js';

/** Where a subscription's messages go: a WebSocket session or an SSE stream. */
export interface SubscriptionSink {
  snapshot(message: SnapshotMessage): void;
  /** Events in seq order, gap-free after what was sent before. Often the very run the fan-out gave every viewer. */
  events(run: EventRun, epoch: string): void;
  subscribed(message: SubscribedMessage): void;
  /** A presence message's JSON (the same text for every viewer of the room). */
  presence(json: string): void;
}

/** What a subscription works with: the server's storage, fan-out and presence (Services has them all). */
export interface SubscriptionDeps {
  storage: Storage;
  fanout: Fanout;
  presence?: Presence;
}

export interface SubscribePosition {
  epoch?: string;
  since?: number;
}

// Stands for a reader without an identity (a plain EventSource on a guests' tenant): never counted in presence.
const ANONYMOUS: User = Object.freeze({ id: '', name: '' });

// Events held while waiting for a missing seq before the log is asked for it.
const MAX_HELD = 64;
// Replayed events go out in runs of at most this many (each becomes a frame or a few).
const REPLAY_RUN = 100;

export class Subscription implements RunListener, GapHolder, PresenceViewer {
  private lastSent = -1;
  gapSince = 0;
  /** Runs that came while the opening was read; null once live. */
  private buffered: EventRun[] | null = [];
  private held: Map<number, WireEvent> | null = null;
  private catchingUp = false;
  /** Asked to check the log while a catch-up was running: check again when it ends. */
  private recheck = false;
  private closed = false;
  private epoch = '';
  /**
   * Resolves when the fan-out delivers everything published anywhere to this subscription; dropped once awaited
   * (an idle viewer should not keep a settled promise).
   */
  private listening: void | Promise<void>;
  private joined: Presence | undefined;

  private constructor(
    private readonly deps: SubscriptionDeps,
    readonly tenant: string,
    readonly room: string,
    private readonly sink: SubscriptionSink,
    /** Who is looking (counted in the room's presence); null for a reader without an identity. */
    readonly user: User,
  ) {
    this.listening = deps.fanout.subscribe(tenant, room, this);
  }

  /** Opens a subscription and sends its opening (replay + subscribed, or snapshot), then goes live. */
  static async open(
    deps: SubscriptionDeps,
    tenant: string,
    room: string,
    position: SubscribePosition,
    sink: SubscriptionSink,
    user: User | null = null,
  ): Promise<Subscription> {
    const subscription = new Subscription(deps, tenant, room, sink, user ?? ANONYMOUS);
    try {
      await subscription.start(position);
    } catch (err) {
      subscription.close();
      throw err;
    }
    // After the opening: the room's presence follows it (SPEC §2), and the others learn of this viewer.
    if (user && deps.presence && !subscription.closed) {
      subscription.joined = deps.presence;
      deps.presence.join(tenant, room, subscription);
    }
    return subscription;
  }

  presence(json: string): void {
    if (!this.closed) this.sink.presence(json);
  }

  private async start({ epoch, since }: SubscribePosition): Promise<void> {
    if (this.listening) await this.listening; // across processes: the room's channel is subscribed before reading
    this.listening = undefined;
    const storage = this.deps.storage;
    this.epoch = storage.epoch;
    const replay = since !== undefined && epoch === storage.epoch ? await storage.eventsSince(this.tenant, this.room, since) : null;
    if (this.closed) return;
    if (replay) {
      for (let i = 0; i < replay.events.length; i += REPLAY_RUN) {
        this.sink.events(new EventRun(this.room, replay.events.slice(i, i + REPLAY_RUN)), this.epoch);
      }
      this.sink.subscribed({ type: 'subscribed', room: this.room, epoch: this.epoch, seq: replay.seq });
      this.lastSent = replay.seq;
    } else {
      const snapshot = await storage.snapshot(this.tenant, this.room);
      if (this.closed) return;
      this.sink.snapshot({ type: 'snapshot', room: this.room, epoch: snapshot.epoch, seq: snapshot.seq, markers: snapshot.markers });
      this.lastSent = snapshot.seq;
    }
    const buffered = this.buffered!;
    this.buffered = null;
    for (const run of buffered) this.deliver(run);
  }

  onRun(run: EventRun): void {
    if (this.closed) return;
    if (this.buffered) this.buffered.push(run);
    else this.deliver(run);
  }

  private deliver(run: EventRun): void {
    // The usual case: the next events, in order, nothing held. The run goes on as is, shared with every viewer.
    if (run.contiguous && run.firstSeq === this.lastSent + 1 && !this.held) {
      this.lastSent = run.lastSeq;
      this.sink.events(run, this.epoch);
      return;
    }
    const held = (this.held ??= new Map());
    for (const event of run.events) if (event.seq > this.lastSent) held.set(event.seq, event);
    const ready: WireEvent[] = [];
    for (let next = held.get(this.lastSent + 1); next; next = held.get(this.lastSent + 1)) {
      held.delete(next.seq);
      ready.push(next);
      this.lastSent = next.seq;
    }
    if (held.size === 0) {
      this.held = null;
      unwatchGap(this);
    } else if (ready.length > 0 || this.gapSince === 0) {
      // A new gap (or what is left of one): give the late events a moment before reading the log.
      this.gapSince = Date.now();
      watchGap(this);
    }
    if (ready.length > 0) this.sink.events(new EventRun(this.room, ready), this.epoch);
    if (held.size > MAX_HELD) void this.catchUp();
  }

  fillGap(): void {
    void this.catchUp();
  }

  onMaybeMissed(): void {
    if (!this.buffered) void this.catchUp();
  }

  /** Fills a gap from the event log (an event lost between processes, say). */
  private async catchUp(): Promise<void> {
    if (this.closed) return;
    if (this.catchingUp) {
      this.recheck = true;
      return;
    }
    this.catchingUp = true;
    this.gapSince = 0;
    unwatchGap(this);
    try {
      const missing = await sharedEventsSince(this.deps.storage, this.tenant, this.room, this.lastSent);
      if (this.closed) return;
      if (missing) {
        if (missing.events.length > 0) this.deliver(new EventRun(this.room, missing.events));
        return;
      }
      // The log no longer holds the gap: a fresh snapshot resets the client (it accepts one at any time).
      const snapshot = await this.deps.storage.snapshot(this.tenant, this.room);
      if (this.closed) return;
      this.sink.snapshot({ type: 'snapshot', room: this.room, epoch: snapshot.epoch, seq: snapshot.seq, markers: snapshot.markers });
      this.lastSent = snapshot.seq;
      const later = [...(this.held?.values() ?? [])].filter((event) => event.seq > snapshot.seq).sort((a, b) => a.seq - b.seq);
      this.held = null;
      if (later.length > 0) this.deliver(new EventRun(this.room, later));
    } catch {
      // The database is away: try again in a moment (the gap is still there, or a recheck was asked for).
      this.gapSince = Date.now();
      if (!this.closed) watchGap(this);
    } finally {
      this.catchingUp = false;
      if (this.recheck && !this.closed) {
        this.recheck = false;
        void this.catchUp();
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.joined?.leave(this.tenant, this.room, this);
    unwatchGap(this);
    this.deps.fanout.unsubscribe(this.tenant, this.room, this);
    this.held = null;
    this.buffered = null;
  }
}
