/**
 * One Server-Sent Events stream carrying one or more room subscriptions. One SSE event per protocol message:
 * `event: <type>`, `data: <json>`, and `id:` on events and snapshots so that a reconnecting EventSource resumes.
 */
import type { ServerResponse } from 'node:http';
import type { ServerMessage } from '../../protocol/messages.js';
import type { ClientConnection } from '../realtime/connections.js';
import type { Services } from '../services.js';
import type { SubscriptionSink } from '../realtime/subscription.js';
import { Subscription } from '../realtime/subscription.js';
import { setLongTimeout } from '../realtime/long-timeout.js';

/** `room`: ids are `<room>@<epoch>:<seq>` (multi-room stream); `plain`: `<epoch>:<seq>` (one room, Last-Event-ID). */
export type SseIdStyle = 'room' | 'plain';

export class SseStream implements ClientConnection {
  readonly transport = 'sse' as const;
  private readonly subscriptions: Subscription[] = [];
  private closed = false;
  private expiry: { cancel(): void } | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly services: Services,
    private readonly tenant: string,
    private readonly idStyle: SseIdStyle,
    private readonly onClosed: () => void = () => {},
  ) {
    services.connections.add(this);
    services.metrics.connections.inc({ transport: 'sse' });
    res.on('close', () => this.onClose());
    // The opening comment flushes the headers, so the client's EventSource opens at once.
    res.write(': image-chat\nretry: 2000\n\n');
  }

  /** Ends the stream at `expiresAt` (epoch ms), when the token it was opened with stops being valid. */
  endAt(expiresAt: number): void {
    this.expiry = setLongTimeout(() => void this.shutdown(), expiresAt - Date.now());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async subscribe(room: string, epoch?: string, since?: number): Promise<void> {
    const subscription = await Subscription.open(this.services, this.tenant, room, { epoch, since }, this.sink(room));
    if (this.closed) return subscription.close();
    this.subscriptions.push(subscription);
    this.services.metrics.subscriptions.inc();
  }

  private id(room: string, epoch: string, seq: number): string {
    return this.idStyle === 'room' ? `${room}@${epoch}:${seq}` : `${epoch}:${seq}`;
  }

  private sink(room: string): SubscriptionSink {
    return {
      snapshot: (message) => this.send(message, this.id(room, message.epoch, message.seq)),
      subscribed: (message) => this.send(message),
      events: (events, epoch) => {
        this.services.metrics.eventsSent.inc({ transport: 'sse' }, events.length);
        for (const event of events) this.send(event, this.id(room, epoch, event.seq));
      },
    };
  }

  /** Sends one protocol message as one SSE event (with `id` on events and snapshots). */
  send(message: ServerMessage, id?: string): void {
    if (this.closed) return;
    // JSON.stringify never emits raw newlines, so `data:` is one line; ids are checked to hold none either.
    const frame = `${id && !/[\r\n]/.test(id) ? `id: ${id}\n` : ''}event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`;
    this.res.write(frame);
    const bytes = Buffer.byteLength(frame);
    this.services.metrics.bytesSent.inc({ transport: 'sse' }, bytes);
    this.services.usage.messageSent(this.tenant, bytes);
    // The backlog before this frame: one large snapshot alone never counts as slow.
    if (this.res.writableLength - bytes > this.services.limits.maxBufferedBytes) {
      // A reader this far behind would only fall further; it resumes from its Last-Event-ID when it reconnects.
      // destroy, not end: end would queue behind the backlog, which is exactly what must be freed.
      this.services.logger.warn({ buffered: this.res.writableLength }, 'closing slow SSE consumer');
      this.services.metrics.slowConsumers.inc({ transport: 'sse' });
      this.res.destroy();
      this.onClose();
    }
  }

  heartbeat(): void {
    this.send({ type: 'ping' });
  }

  async shutdown(): Promise<void> {
    if (!this.closed) this.res.end();
    this.onClose();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.expiry?.cancel();
    this.onClosed();
    for (const subscription of this.subscriptions) subscription.close();
    this.services.metrics.subscriptions.dec(this.subscriptions.length);
    this.subscriptions.length = 0;
    this.services.connections.delete(this);
    this.services.metrics.connections.dec({ transport: 'sse' });
  }
}
