/**
 * One Server-Sent Events stream carrying one or more room subscriptions. One SSE event per protocol message:
 * `event: <type>`, `data: <json>`, and `id:` on events and snapshots so that a reconnecting EventSource resumes.
 * What the stream sends in one turn of the event loop goes out in one write (flush-queue.ts); a room's events are
 * formatted once per run and shared by every stream watching it.
 */
import type { ServerResponse } from 'node:http';
import type { ServerMessage, SnapshotMessage, SubscribedMessage, User } from '../../protocol/messages.js';
import { sseEvent, type EventRun } from '../fanout/event-run.js';
import type { Identity } from '../identity/authenticate.js';
import { ConnectionLog, userKindOf } from '../observability/connection-log.js';
import type { TenantUsage } from '../observability/usage.js';
import type { ClientConnection } from '../realtime/connections.js';
import { scheduleFlush, type Flushable } from '../realtime/flush-queue.js';
import { setLongTimeout } from '../realtime/long-timeout.js';
import { Subscription, type SubscriptionSink } from '../realtime/subscription.js';
import type { Services } from '../services.js';

/** `room`: ids are `<room>@<epoch>:<seq>` (multi-room stream); `plain`: `<epoch>:<seq>` (one room, Last-Event-ID). */
export type SseIdStyle = 'room' | 'plain';

const PING = sseEvent('ping', JSON.stringify({ type: 'ping' }));

export class SseStream implements ClientConnection, SubscriptionSink, Flushable {
  readonly transport = 'sse' as const;
  heartbeatSlot = -1;
  private readonly subscriptions: Subscription[] = [];
  private closed = false;
  private expiry: { cancel(): void } | undefined;
  private readonly usage: TenantUsage;
  /** SSE text waiting for the end of this turn: one write for all of it. */
  private outbox = '';
  private queuedEvents = 0;
  private readonly log: ConnectionLog;
  private readonly user: User | null;

  constructor(
    private readonly res: ServerResponse,
    private readonly services: Services,
    private readonly tenant: string,
    private readonly idStyle: SseIdStyle,
    private readonly onClosed: () => void = () => {},
    /** Who reads it (counted in its rooms' presence, named in the log); null for a reader without a token. */
    identity: Identity | null = null,
  ) {
    this.usage = services.usage.tenant(tenant);
    this.user = identity?.user ?? null;
    this.log = ConnectionLog.sse(services, tenant, userKindOf(identity)); // the lines of its opening, refusals and end
    services.connections.add(this);
    services.metrics.connections.inc({ transport: 'sse' });
    res.on('close', () => this.onClose());
    // The opening comment flushes the headers, so the client's EventSource opens at once.
    res.write(': image-chat\nretry: 2000\n\n');
  }

  /** Ends the stream at `expiresAt` (epoch ms), when the token it was opened with stops being valid. */
  endAt(expiresAt: number): void {
    this.expiry = setLongTimeout(() => {
      this.log.serverClosing(0, 'the token expired');
      void this.shutdown();
    }, expiresAt - Date.now());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async subscribe(room: string, epoch?: string, since?: number): Promise<void> {
    const subscription = await Subscription.open(this.services, this.tenant, room, { epoch, since }, this, this.user);
    if (this.closed) return subscription.close();
    this.subscriptions.push(subscription);
    this.services.metrics.subscriptions.inc();
  }

  private id(room: string, epoch: string, seq: number): string {
    return this.idStyle === 'room' ? `${room}@${epoch}:${seq}` : `${epoch}:${seq}`;
  }

  // SubscriptionSink
  snapshot(message: SnapshotMessage): void {
    this.send(message, this.id(message.room, message.epoch, message.seq));
  }

  subscribed(message: SubscribedMessage): void {
    this.send(message);
  }

  events(run: EventRun, epoch: string): void {
    // The id style decides the text; for `room` ids it is the same for every stream on this server.
    this.enqueue(run.sseText(this.idStyle, (seq) => this.id(run.room, epoch, seq)));
    this.queuedEvents += run.events.length;
  }

  presence(json: string): void {
    this.enqueue(sseEvent('presence', json));
  }

  /** Sends one protocol message as one SSE event (with `id` on events and snapshots). */
  send(message: ServerMessage, id?: string): void {
    this.enqueue(sseEvent(message.type, JSON.stringify(message), id));
  }

  private enqueue(text: string): void {
    if (this.closed) return;
    if (this.outbox === '') scheduleFlush(this);
    this.outbox += text;
  }

  flush(): void {
    const text = this.outbox;
    this.outbox = '';
    if (this.closed || text === '') return;
    this.res.write(text);
    const bytes = Buffer.byteLength(text);
    const sent = this.services.metrics.sent.sse;
    sent.bytes += bytes;
    sent.events += this.queuedEvents;
    this.queuedEvents = 0;
    this.usage.sent(bytes);
    // The backlog before this write: one large snapshot alone never counts as slow.
    if (this.res.writableLength - bytes > this.services.limits.maxBufferedBytes) {
      // A reader this far behind would only fall further; it resumes from its Last-Event-ID when it reconnects.
      // destroy, not end: end would queue behind the backlog, which is exactly what must be freed.
      this.log.slowConsumer(this.res.writableLength);
      this.services.metrics.slowConsumers.inc({ transport: 'sse' });
      this.res.destroy();
      this.onClose();
    }
  }

  heartbeat(): void {
    this.enqueue(PING);
  }

  async shutdown(): Promise<void> {
    this.log.serverClosing(0, 'ended by the server');
    if (!this.closed) {
      this.flush();
      this.res.end();
    }
    this.onClose();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox = '';
    this.log.closed();
    this.expiry?.cancel();
    this.onClosed();
    for (const subscription of this.subscriptions) subscription.close();
    this.services.metrics.subscriptions.dec(this.subscriptions.length);
    this.subscriptions.length = 0;
    this.services.connections.delete(this);
    this.services.metrics.connections.dec({ transport: 'sse' });
  }
}
