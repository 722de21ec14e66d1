/**
 * A scriptable stand-in for the browser's WebSocket, for unit tests under Node, and the helpers to drive
 * reconnecting-websocket (which makes its sockets after a timer and a promise) under `mock.timers`.
 */
import { mock } from 'node:test';
import { MemoryStorage } from '../../test-support/fakes.js';

export { fakeHost } from '../../test-support/fakes.js';

export class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: Record<string, unknown>[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: Event) => void) | null = null;
  onclose: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {
    super();
    FakeSocket.instances.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1005): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.fire('close', { code });
  }
  // Test side:
  open(): void {
    this.readyState = 1;
    this.fire('open');
  }
  receive(message: unknown): void {
    this.fire('message', { data: JSON.stringify(message) });
  }
  types(): unknown[] {
    return this.sent.map((m) => m.type);
  }
  private fire(type: 'open' | 'message' | 'close', fields: object = {}): void {
    const event = Object.assign(new Event(type), fields);
    this.dispatchEvent(event);
    this[`on${type}`]?.(event);
  }
}

export const storage = new MemoryStorage();
/** The fake localStorage's contents. */
export const store = storage.items;

/** Installs the fakes as globals (Node 20 has neither WebSocket nor localStorage) and mocks `setTimeout`. */
export function installFakes(): void {
  FakeSocket.instances = [];
  store.clear();
  (globalThis as Record<string, unknown>).WebSocket = FakeSocket;
  (globalThis as Record<string, unknown>).localStorage = storage;
  mock.timers.reset();
  mock.timers.enable({ apis: ['setTimeout'] });
}

/**
 * Lets promises and immediates run (setImmediate is not mocked) for a few real milliseconds: enough for a dynamic
 * `import()` of a module already loaded, which goes through tsx's loader, to resolve.
 */
export async function flush(): Promise<void> {
  const until = Date.now() + 5;
  for (let i = 0; i < 10 || Date.now() < until; i++) await new Promise((r) => setImmediate(r));
}

/** Advances the mocked clock by `ms` and lets what it started run (e.g. reconnecting-websocket's next socket). */
export async function advance(ms = 1): Promise<void> {
  await flush();
  mock.timers.tick(Math.max(1, ms)); // (a timer of 0 ms is due after 1, as in Node)
  await flush();
}
