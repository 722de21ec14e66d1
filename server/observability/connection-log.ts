/**
 * Each client connection's story in the log. At `info`: one line when it opens (tenant, transport, kind of user),
 * one when it closes (how long it lasted, the close code and why), one per refused message (its type and error
 * code); at `warn`: a slow consumer cut off, a rate-limit close (with the client address, the key of the limit).
 * Never a token, a room's query string or comment text: lines are built only from the fields named here.
 *
 * Opening and closing are also when a tenant's live connection count changes, so the same calls keep `LiveStats`
 * in step. The transports call these with one line each; what a line holds is decided here.
 */
import { CloseCode, type ErrorCode } from '../../protocol/errors.js';
import { OP_TYPES } from '../../protocol/messages.js';
import type { Identity } from '../identity/authenticate.js';
import type { Logger } from './logger.js';
import type { LocalLiveStats } from './live-stats.js';
import type { Transport } from './metrics.js';

/** Who is on the other end: a guest, a host site's user or moderator, or (SSE without a token) nobody in particular. */
export type UserKind = 'guest' | 'user' | 'moderator' | 'anonymous';

export function userKindOf(identity: Identity | null): UserKind {
  if (!identity) return 'anonymous';
  if (identity.guestIssuedAt !== undefined) return 'guest';
  return identity.user.role === 'moderator' ? 'moderator' : 'user';
}

/** What a connection log needs from the server's services. */
export interface ConnectionLogDeps {
  logger: Logger;
  localLive: LocalLiveStats;
}

// Only known message types are logged: a client's `type` field is the client's text, and could be anything.
const MESSAGE_TYPES = new Set<string>(['hello', 'auth', 'subscribe', 'unsubscribe', ...OP_TYPES]);

// What a close code says happened. A client's own reason text is not logged: like a message's `type`, it is
// whatever the client chose to send.
const CLOSE_REASONS: Record<number, string> = {
  1000: 'closed normally',
  1001: 'the page went away',
  1005: 'closed without a code',
  1006: 'cut without a closing handshake',
  1009: 'frame too large',
  1011: 'the client hit an error',
};

/** The message's `type`, when it is one of the protocol's; `unknown` for anything else. */
function knownType(message: unknown): string {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof type === 'string' && MESSAGE_TYPES.has(type) ? type : 'unknown';
}

let lastId = 0;

export class ConnectionLog {
  /** Ties one connection's lines together (per process). */
  readonly id = ++lastId;
  private readonly openedAt = Date.now();
  private tenant: string | undefined;
  private kind: UserKind | undefined;
  private closing: { code: number; reason: string } | undefined;
  private done = false;

  private constructor(
    private readonly deps: ConnectionLogDeps,
    private readonly transport: Transport,
    private readonly address = '',
  ) {}

  /**
   * A WebSocket from its upgrade on. The session says when the server closes it, and why (`serverClosing`), before
   * it does; a close it did not announce is the client's.
   */
  static websocket(deps: ConnectionLogDeps, address: string): ConnectionLog {
    return new ConnectionLog(deps, 'websocket', address);
  }

  /** An SSE stream, open (and logged as such) from the start: its tenant and user are known before it opens. */
  static sse(deps: ConnectionLogDeps, tenant: string, kind: UserKind): ConnectionLog {
    const log = new ConnectionLog(deps, 'sse');
    log.opened(tenant, kind);
    return log;
  }

  /** The connection is someone's now (a WebSocket's `welcome`): log it and count it as live. */
  opened(tenant: string, kind: UserKind): void {
    if (this.done || this.tenant !== undefined) return;
    this.tenant = tenant;
    this.kind = kind;
    this.deps.localLive.connectionOpened(tenant, this.transport);
    this.deps.logger.info(this.fields(), 'connection opened');
  }

  /** A refused message: its type (when it is a known one) and the error code it got. */
  refused(message: unknown, code: ErrorCode): void {
    this.deps.logger.info({ ...this.fields(), type: knownType(message), code }, 'message refused');
  }

  /** A consumer whose unsent data passed the bound, about to be cut off. */
  slowConsumer(bufferedBytes: number): void {
    this.serverClosing(this.transport === 'websocket' ? 1013 : 0, 'slow consumer');
    this.deps.logger.warn({ ...this.fields(), bufferedBytes }, 'slow consumer closed');
  }

  /** The server ends the connection (an SSE stream has no close code: `code` 0). The first reason given counts. */
  serverClosing(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = { code, reason: reason || CLOSE_REASONS[code] || '' };
    if (code === CloseCode.abuse) this.deps.logger.warn({ ...this.fields(), address: this.address, reason }, 'rate-limit close');
  }

  /** The connection is gone (`code`: the WebSocket close code ws reports): one line with its duration and why. */
  closed(code = 0): void {
    if (this.done) return;
    this.done = true;
    if (this.tenant !== undefined) this.deps.localLive.connectionClosed(this.tenant, this.transport);
    const by = this.closing ? 'server' : 'client';
    const why = this.closing ?? { code, reason: this.transport === 'sse' ? 'the client went away' : (CLOSE_REASONS[code] ?? 'closed by the client') };
    this.deps.logger.info(
      { ...this.fields(), durationMs: Date.now() - this.openedAt, by, ...(this.transport === 'websocket' ? { code: why.code } : {}), reason: why.reason },
      'connection closed',
    );
  }

  private fields(): Record<string, unknown> {
    return { conn: this.id, transport: this.transport, tenant: this.tenant, user: this.kind };
  }
}

/** A refused REST op (the SSE transport's way up), which has no connection of its own to log it. */
export function logRefusedRequest(logger: Logger, tenant: string, message: unknown, code: ErrorCode): void {
  logger.info({ transport: 'http', tenant, type: knownType(message), code }, 'message refused');
}

/** A connection refused at the door for its address's connection count (before any session exists). */
export function logRefusedConnection(logger: Logger, transport: Transport, address: string, reason: string): void {
  logger.warn({ transport, address, reason }, 'rate-limit close');
}
