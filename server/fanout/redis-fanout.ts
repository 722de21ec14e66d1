/**
 * Fan-out across processes over Redis pub/sub (SPEC §5). Every process delivers its own commits to its own viewers
 * at once (through a LocalFanout, as a single process does) and publishes them, once per room per turn of the event
 * loop, on the room's channel; the others deliver what they receive to theirs. A process subscribes to a room's
 * channel only while it has viewers there, and `subscribe` resolves once Redis has confirmed the subscription, so
 * a subscription that awaits it before reading the snapshot or the log misses nothing in between.
 *
 * Redis pub/sub is at most once: messages published while a subscriber connection is down are gone. So when the
 * subscriber connection comes back, every listener is told it may have missed events (`onMaybeMissed`) and checks
 * the log; a gap seen in a room's seqs is filled from the log by the subscription itself (realtime/subscription.ts).
 * A publish that fails is counted and logged, never thrown at the op's author: the op is committed and acked; the
 * message is sent again when the connection is back (receivers drop what they already have, by seq), so that the
 * viewers elsewhere of a room that stays quiet afterwards get it too.
 *
 * Message format (text): `<origin>\n` then, per event, `<seq> <type>\n<json>\n` — JSON.stringify never writes a raw
 * newline, and the event JSON is forwarded as is: nothing is parsed on the way. A signal about the room (`!<kind>`
 * on the second line: presence changed) uses the same channel, so it reaches exactly the processes with viewers.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RoomEvent } from '../../protocol/messages.js';
import type { WireEvent } from './event-run.js';
import type { Fanout, RunListener } from './fanout.js';
import { LocalFanout } from './local-fanout.js';

export interface RedisFanoutOptions {
  /** A connection for PUBLISH (shared with other work), and one that this fan-out puts in subscriber mode. */
  publisher: Redis;
  subscriber: Redis;
  /** Channel names start with this (per database: processes of one deployment share it, others never collide). */
  prefix: string;
  /** How long `subscribe` waits for Redis to confirm before going on without it (Redis down: local events still flow). */
  confirmTimeoutMs?: number;
  onError?: (err: unknown, what: string) => void;
}

// Failed publishes kept for a resend; beyond, other processes' viewers catch up from the log at the room's next event.
const MAX_UNSENT = 10_000;

interface Channel {
  tenant: string;
  room: string;
  listeners: number;
  confirmed: Promise<void>;
}

export class RedisFanout implements Fanout {
  /** This process, so that it skips its own messages (its viewers already had them). */
  readonly origin = randomBytes(6).toString('base64url');
  /** Publishes that failed (the events reached this process's viewers; others catch up from the log). */
  publishFailures = 0;
  private readonly local: LocalFanout;
  /** Messages whose PUBLISH failed, to send again once the connection is back (the oldest dropped past the cap). */
  private unsent: Array<[string, string]> = [];
  private readonly channels = new Map<string, Channel>();
  private outgoing = new Map<string, WireEvent[]>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly confirmTimeoutMs: number;
  private readonly onError: (err: unknown, what: string) => void;
  private wasReady = false;
  private readonly signalHandlers: Array<(tenant: string, room: string, kind: string) => void> = [];
  private readonly reconnectHandlers: Array<() => void> = [];

  constructor(options: RedisFanoutOptions) {
    this.publisher = options.publisher;
    this.subscriber = options.subscriber;
    this.prefix = options.prefix;
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 1000;
    this.onError = options.onError ?? (() => {});
    this.local = new LocalFanout((err) => this.onError(err, 'event listener failed'));
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    this.subscriber.on('ready', () => this.onSubscriberReady());
    this.subscriber.on('error', (err) => this.onError(err, 'Redis subscriber connection'));
    this.publisher.on('ready', () => this.resend());
    this.wasReady = this.subscriber.status === 'ready';
  }

  private channelOf(tenant: string, room: string): string {
    return `${this.prefix}room:${JSON.stringify([tenant, room])}`;
  }

  subscribe(tenant: string, room: string, listener: RunListener): Promise<void> {
    this.local.subscribe(tenant, room, listener);
    const name = this.channelOf(tenant, room);
    let channel = this.channels.get(name);
    if (!channel) {
      const subscribed = this.subscriber.subscribe(name).then(
        () => undefined,
        (err: unknown) => this.onError(err, `SUBSCRIBE ${room}`),
      );
      channel = { tenant, room, listeners: 0, confirmed: this.withinTimeout(subscribed, tenant, room) };
      this.channels.set(name, channel);
    }
    channel.listeners++;
    return channel.confirmed;
  }

  /**
   * Waits for Redis's confirmation, but no longer than the timeout: with Redis away, viewers here are still served.
   * A confirmation that comes after the timeout means the room's openings were read before the channel was heard:
   * whatever was published in between is missing, so the room's viewers check the log then.
   */
  private withinTimeout(confirmation: Promise<void>, tenant: string, room: string): Promise<void> {
    if (this.subscriber.status !== 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        resolve();
      }, this.confirmTimeoutMs);
      void confirmation.finally(() => {
        clearTimeout(timer);
        if (late) this.local.forEachListenerOf(tenant, room, (listener) => listener.onMaybeMissed?.());
        resolve();
      });
    });
  }

  unsubscribe(tenant: string, room: string, listener: RunListener): void {
    this.local.unsubscribe(tenant, room, listener);
    const name = this.channelOf(tenant, room);
    const channel = this.channels.get(name);
    if (!channel || --channel.listeners > 0) return;
    this.channels.delete(name);
    this.subscriber.unsubscribe(name).catch((err: unknown) => this.onError(err, `UNSUBSCRIBE ${room}`));
  }

  publish(tenant: string, room: string, event: WireEvent): void {
    this.local.publish(tenant, room, event);
    const name = this.channelOf(tenant, room);
    const pending = this.outgoing.get(name);
    if (pending) {
      pending.push(event);
      return;
    }
    this.outgoing.set(name, [event]);
    if (this.outgoing.size === 1) queueMicrotask(this.flush);
  }

  /** One PUBLISH per room per turn: a commit group's events for a room travel as one message. */
  private readonly flush = (): void => {
    const outgoing = this.outgoing;
    this.outgoing = new Map();
    for (const [name, events] of outgoing) {
      let message = `${this.origin}\n`;
      for (const event of events) message += `${event.seq} ${event.type}\n${event.json}\n`;
      this.send(name, message);
    }
  };

  private send(name: string, message: string): void {
    this.publisher.publish(name, message).catch((err: unknown) => {
      this.publishFailures++;
      this.unsent.push([name, message]);
      if (this.unsent.length > MAX_UNSENT) this.unsent.shift();
      this.onError(err, 'PUBLISH failed (sent again when Redis is back)');
    });
  }

  private resend(): void {
    const unsent = this.unsent;
    this.unsent = [];
    for (const [name, message] of unsent) this.send(name, message);
  }

  private onMessage(name: string, message: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    const originEnd = message.indexOf('\n');
    if (originEnd < 0 || message.slice(0, originEnd) === this.origin) return;
    if (message[originEnd + 1] === '!') {
      const kind = message.slice(originEnd + 2, message.indexOf('\n', originEnd + 1));
      for (const handler of this.signalHandlers) handler(channel.tenant, channel.room, kind);
      return;
    }
    let at = originEnd + 1;
    while (at < message.length) {
      const headerEnd = message.indexOf('\n', at);
      const jsonEnd = message.indexOf('\n', headerEnd + 1);
      if (headerEnd < 0 || jsonEnd < 0) break;
      const space = message.indexOf(' ', at);
      const seq = Number(message.slice(at, space));
      const type = message.slice(space + 1, headerEnd) as RoomEvent['type'];
      this.local.publish(channel.tenant, channel.room, { seq, type, json: message.slice(headerEnd + 1, jsonEnd) });
      at = jsonEnd + 1;
    }
  }

  /** After a reconnect (ioredis subscribes again by itself), whatever was published meanwhile is lost: recheck. */
  private onSubscriberReady(): void {
    if (!this.wasReady) {
      this.wasReady = true;
      return;
    }
    this.local.forEachListener((listener) => listener.onMaybeMissed?.());
    for (const handler of this.reconnectHandlers) handler();
  }

  /** Tells the other processes watching the room that `kind` changed (they re-read it; nothing else is carried). */
  signal(tenant: string, room: string, kind: string): void {
    this.send(this.channelOf(tenant, room), `${this.origin}\n!${kind}\n`);
  }

  onSignal(handler: (tenant: string, room: string, kind: string) => void): void {
    this.signalHandlers.push(handler);
  }

  /** After the subscriber connection came back: what was shared may have been missed. */
  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  get roomCount(): number {
    return this.local.roomCount;
  }

  roomCountOf(tenant: string): number {
    return this.local.roomCountOf(tenant);
  }

  roomsOf(tenant: string): string[] {
    return this.local.roomsOf(tenant);
  }

  get tenants(): string[] {
    return this.local.tenants;
  }

  async close(): Promise<void> {
    this.flush();
    await this.local.close();
    this.channels.clear();
  }
}
