/**
 * Stand-ins for what Node lacks and the element's code uses, shared by every Node test and bench that runs it (the
 * one copy of each): a Lit controller host that records the events the controller dispatches, and a localStorage.
 */
import type { ReactiveControllerHost } from 'lit';

/** A Map-backed `localStorage` (the part of the Web Storage API the element uses). */
export class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
  get length(): number {
    return this.items.size;
  }
}

/** Installs a MemoryStorage as `globalThis.localStorage` unless there is one; returns the one in place. */
export function installLocalStorage(): MemoryStorage {
  const g = globalThis as { localStorage?: unknown };
  if (!(g.localStorage instanceof MemoryStorage)) g.localStorage = new MemoryStorage();
  return g.localStorage as MemoryStorage;
}

/**
 * A minimal Lit controller host: records the events dispatched on it (`events`, and `onEvent` as they come) and
 * calls `onUpdate` whenever the controller asks it to render.
 */
export function fakeHost(hooks: { onUpdate?(): void; onEvent?(event: CustomEvent): void } = {}): { host: ReactiveControllerHost & HTMLElement; events: CustomEvent[] } {
  const events: CustomEvent[] = [];
  const host = {
    addController() {},
    removeController() {},
    requestUpdate: () => hooks.onUpdate?.(),
    updateComplete: Promise.resolve(true),
    dispatchEvent(event: Event) {
      events.push(event as CustomEvent);
      hooks.onEvent?.(event as CustomEvent);
      return true;
    },
  } as unknown as ReactiveControllerHost & HTMLElement;
  return { host, events };
}
