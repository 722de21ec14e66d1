/**
 * A minimal EventSource for Node 20 (which has none), on `fetch` with a streamed body: enough of the browser's API
 * for the element's SSE transport (`onopen`, `addEventListener(type)`, `close()`, `readyState`), so that Node tests
 * and benches can run the real client code over SSE. No automatic reconnection (the transport never relies on it).
 */
import { SseParser } from './sse-parser.js';

type Listener = (event: { type: string; data?: string; lastEventId?: string }) => void;

export class NodeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readyState = 0;
  onopen: (() => void) | null = null;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #abort = new AbortController();

  constructor(readonly url: string | URL) {
    void this.#run();
  }

  addEventListener(type: string, listener: Listener): void {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)!.add(listener);
  }

  close(): void {
    this.readyState = 2;
    this.#abort.abort();
  }

  #emit(type: string, data?: string, lastEventId?: string): void {
    for (const listener of this.#listeners.get(type) ?? []) listener({ type, data, lastEventId });
  }

  async #run(): Promise<void> {
    try {
      const res = await fetch(this.url, { headers: { Accept: 'text/event-stream' }, signal: this.#abort.signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      this.readyState = 1;
      this.onopen?.();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const { event, data, id } of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (this.readyState === 1) this.#emit(event, data, id);
        }
      }
      throw new Error('stream ended');
    } catch {
      if (this.readyState === 2) return;
      this.readyState = 2;
      this.#emit('error');
    }
  }
}
