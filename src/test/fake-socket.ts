/** A scriptable stand-in for the browser's WebSocket and localStorage, for unit tests under Node. */
import type { ReactiveControllerHost } from 'lit';

export class FakeSocket {
  static readonly OPEN = 1;
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen?: () => void;
  onmessage?: (event: { data: string }) => void;
  onclose?: (event: { code: number }) => void;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1005): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code });
  }
  // Test side:
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  types(): unknown[] {
    return this.sent.map((m) => m.type);
  }
}

export const store = new Map<string, string>();
export const fakeStorage = {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
};


/** Installs the fakes as globals (Node 20 has neither WebSocket nor localStorage). */
export function installFakes(): void {
  FakeSocket.instances = [];
  store.clear();
  (globalThis as Record<string, unknown>).WebSocket = FakeSocket;
  (globalThis as Record<string, unknown>).localStorage = fakeStorage;
}

/** A minimal Lit controller host that records the events the controller dispatches. */
export function fakeHost(): { host: ReactiveControllerHost & HTMLElement; events: CustomEvent[] } {
  const events: CustomEvent[] = [];
  const host = {
    addController() {},
    removeController() {},
    requestUpdate() {},
    updateComplete: Promise.resolve(true),
    dispatchEvent(event: Event) {
      events.push(event as CustomEvent);
      return true;
    },
  } as unknown as ReactiveControllerHost & HTMLElement;
  return { host, events };
}
