/** Test helpers: a real server on port 0 with a temp data dir, and real WebSocket / SSE clients. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import type { Op, RoomEvent, ServerMessage, SnapshotMessage, SubscribedMessage, User } from '../../protocol/messages.js';
import { startServer, type RunningServer, type ServerOptions } from '../server.js';
import { parseTenantConfig, type Tenant } from '../tenants/tenant-config.js';
import { mintUserToken, type MintOptions } from '../tokens/user-token.js';
import { SseParser } from '../../test-support/sse-parser.js';
import { databaseFor, dropDatabaseFor, TEST_ON_POSTGRES } from './support/test-storage.js';

export const uuid = (): string => randomUUID();

export interface TestServer extends RunningServer {
  dataDir: string;
  wsUrl: string;
  /** Closes the server and removes its data dir (unless `keepData`). */
  stop(keepData?: boolean): Promise<void>;
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'image-chat-test-'));
  let server: RunningServer;
  try {
    // TEST_STORAGE=postgres: a database of its own for each data dir (support/test-storage.ts).
    const databaseUrl = options.databaseUrl ?? (TEST_ON_POSTGRES ? await databaseFor(dataDir) : undefined);
    server = await startServer({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...options, dataDir, databaseUrl });
  } catch (err) {
    if (!options.dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabaseFor(dataDir);
    }
    throw err;
  }
  return {
    ...server,
    dataDir,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/ws`,
    async stop(keepData = false) {
      await server.close();
      if (!keepData) {
        rmSync(dataDir, { recursive: true, force: true });
        await dropDatabaseFor(dataDir);
      }
    },
  };
}

type Match<T> = string | ((message: T) => boolean);

/** A queue of received items; `next` awaits the first unconsumed one matching, failing after a timeout. */
class Inbox<T extends { type?: string }> {
  private readonly items: T[] = [];
  private readonly waiters = new Set<{ test: (item: T) => boolean; resolve: (item: T) => void }>();

  push(item: T): void {
    for (const waiter of this.waiters) {
      if (waiter.test(item)) {
        this.waiters.delete(waiter);
        waiter.resolve(item);
        return;
      }
    }
    this.items.push(item);
  }

  /** Every unconsumed item, consuming them. */
  takeAll(): T[] {
    return this.items.splice(0);
  }

  next(match: Match<T>, timeoutMs: number, what: string): Promise<T> {
    const test = typeof match === 'string' ? (item: T) => item.type === match : match;
    const index = this.items.findIndex(test);
    if (index >= 0) return Promise.resolve(this.items.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${what}: no message matching ${typeof match === 'string' ? match : 'predicate'} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

export interface SocketOptions {
  origin?: string;
  headers?: Record<string, string>;
}

export interface HelloOptions {
  tenant?: string;
  token?: string;
  protocol?: number;
}

/** A protocol client over a real WebSocket. */
export class WsClient {
  private readonly inbox = new Inbox<ServerMessage>();
  readonly closed: Promise<{ code: number; reason: string }>;
  user!: User;
  guestToken?: string;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.inbox.push(JSON.parse(data.toString()) as ServerMessage));
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {}); // surfaced through `closed`
  }

  /** Opens a socket without saying hello. `origin` sets the Origin header, as a browser page would. */
  static async open(server: TestServer, socket: SocketOptions = {}): Promise<WsClient> {
    const ws = new WebSocket(server.wsUrl, { ...(socket.origin ? { origin: socket.origin } : {}), headers: socket.headers, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new WsClient(ws);
  }

  /** Opens a socket, says hello, and waits for `welcome`. */
  static async connect(server: TestServer, hello: HelloOptions = {}, socket: SocketOptions = {}): Promise<WsClient> {
    const client = await WsClient.open(server, socket);
    client.send({ type: 'hello', protocol: hello.protocol ?? 1, tenant: hello.tenant ?? 'demo', ...(hello.token ? { token: hello.token } : {}) });
    const welcome = await client.next('welcome');
    if (welcome.type !== 'welcome') throw new Error('unreachable');
    client.user = welcome.user;
    client.guestToken = welcome.guestToken ?? hello.token;
    return client;
  }

  /** Every message received and not yet consumed by `next`. */
  received(): ServerMessage[] {
    return this.inbox.takeAll();
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  next<T extends ServerMessage['type']>(match: T, timeoutMs?: number): Promise<Extract<ServerMessage, { type: T }>>;
  next(match: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  next(match: Match<ServerMessage>, timeoutMs = 3000): Promise<ServerMessage> {
    return this.inbox.next(match, timeoutMs, `client ${this.user?.name ?? ''}`);
  }

  /** Subscribes and waits for the opening `snapshot` or `subscribed`. */
  async subscribe(room: string, position: { epoch?: string; since?: number } = {}): Promise<SnapshotMessage | SubscribedMessage> {
    this.send({ type: 'subscribe', room, ...position });
    return this.next((m) => (m.type === 'snapshot' || m.type === 'subscribed') && m.room === room) as Promise<SnapshotMessage | SubscribedMessage>;
  }

  /** Sends an op and waits for its ack or error. */
  async op(op: Op) {
    this.send(op);
    return this.next((m) => (m.type === 'ack' || m.type === 'error') && m.broadcastId === op.broadcastId);
  }

  /** The next room event for `room`, unwrapping `batch` frames. */
  async event(room: string, timeoutMs?: number): Promise<RoomEvent> {
    const pending = this.unbatched.find((e) => e.room === room);
    if (pending) {
      this.unbatched.splice(this.unbatched.indexOf(pending), 1);
      return pending;
    }
    const message = await this.next(
      (m) => ((m.type === 'new-image-chat' || m.type === 'image-chat-updated' || m.type === 'deleted-image-chat') && m.room === room) || m.type === 'batch',
      timeoutMs,
    );
    if (message.type === 'batch') {
      this.unbatched.push(...message.events);
      return this.event(room, timeoutMs);
    }
    return message as RoomEvent;
  }

  private readonly unbatched: RoomEvent[] = [];

  close(): Promise<unknown> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    this.ws.close();
    return this.closed;
  }
}

/** Op builders with fresh ids. */
export const ops = {
  createMarker: (room: string, text = 'Looks good', x = 10, y = 20) =>
    ({ type: 'create-marker', room, broadcastId: uuid(), marker: { id: uuid(), x, y }, comment: { id: uuid(), text } }) as const,
  addComment: (room: string, markerId: string, text = 'A reply') =>
    ({ type: 'add-comment', room, broadcastId: uuid(), markerId, comment: { id: uuid(), text } }) as const,
  editComment: (room: string, markerId: string, commentId: string, text: string) =>
    ({ type: 'edit-comment', room, broadcastId: uuid(), markerId, commentId, text }) as const,
  deleteComment: (room: string, markerId: string, commentId: string) =>
    ({ type: 'delete-comment', room, broadcastId: uuid(), markerId, commentId }) as const,
  moveMarker: (room: string, markerId: string, x: number, y: number) =>
    ({ type: 'move-marker', room, broadcastId: uuid(), markerId, x, y }) as const,
  resolveMarker: (room: string, markerId: string, resolved: boolean) =>
    ({ type: 'resolve-marker', room, broadcastId: uuid(), markerId, resolved }) as const,
  deleteMarker: (room: string, markerId: string) => ({ type: 'delete-marker', room, broadcastId: uuid(), markerId }) as const,
};

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
  type?: string;
}

/** A Server-Sent Events client over `http.get`, parsing the stream into events. */
export class SseClient {
  private readonly inbox = new Inbox<SseEvent>();
  private constructor(private readonly req: http.ClientRequest, readonly status: number, readonly headers: http.IncomingHttpHeaders) {}

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        const client = new SseClient(req, res.statusCode ?? 0, res.headers);
        const parser = new SseParser();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          for (const { event, data, id } of parser.push(chunk)) {
            client.inbox.push({ event, type: event, data: res.statusCode === 200 ? JSON.parse(data) : data, ...(id !== undefined ? { id } : {}) });
          }
        });
        res.on('error', () => {});
        resolve(client);
      });
      req.on('error', reject);
    });
  }

  next(match: Match<SseEvent>, timeoutMs = 3000): Promise<SseEvent> {
    return this.inbox.next(match, timeoutMs, 'sse client');
  }

  close(): void {
    this.req.destroy();
  }
}

/** fetch + JSON with an optional bearer token. */
export async function api(
  server: TestServer,
  path: string,
  init: { method?: string; body?: unknown; token?: string; rawBody?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(server.url + path, {
    method: init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET'),
    headers: {
      'Content-Type': 'application/json',
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** The tenants most tenant tests run with: the demo (guests), two host sites with secrets, one guests-only. */
export const TEST_TENANTS: Tenant[] = parseTenantConfig(
  JSON.stringify({
    tenants: [
      { id: 'demo', guests: true, origins: ['*'] },
      { id: 'acme', secret: 'acme-secret-'.padEnd(40, 'a'), origins: ['https://acme.example'], adminKey: 'acme-admin-key-0123456789' },
      { id: 'globex', secret: 'globex-secret-'.padEnd(40, 'g'), origins: ['*'] },
      { id: 'open', guests: true, origins: ['https://open.example'] },
    ],
  }),
  'test tenants',
);

export const tenant = (id: string): Tenant => {
  const found = TEST_TENANTS.find((t) => t.id === id);
  if (!found) throw new Error(`no test tenant ${id}`);
  return found;
};

/** A user token for a test tenant, as the host site's backend would mint it. */
export const userToken = (tenantId: string, options: Partial<MintOptions> & { sub: string }) =>
  mintUserToken(tenant(tenantId), { name: options.sub, ttlSeconds: 3600, ...options });

/** A token with any claims, signed with `secret` (default: the tenant's) — for expired, forged and odd tokens. */
export const signedToken = (claims: Record<string, unknown>, secret: string) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
