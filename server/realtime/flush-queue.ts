/**
 * Coalesces a connection's writes per turn of the event loop. A connection queues what it has to send and asks to be
 * flushed; at the end of the current turn (a microtask, so no timer delay: a lone event still goes out at once)
 * every connection that queued something writes it all in one go — one `batch` frame for several events, one corked
 * write, one SSE chunk. One queue for the whole process: no closure or timer per connection.
 */
export interface Flushable {
  flush(): void;
}

let dirty: Flushable[] = [];

function flushAll(): void {
  const due = dirty;
  dirty = [];
  for (const connection of due) {
    try {
      connection.flush();
    } catch (err) {
      // A socket that throws on write is closing anyway; the others must still get their frames.
      process.emitWarning(`image-chat: a connection failed to flush: ${(err as Error).message}`);
    }
  }
}

/** Flushes `connection` at the end of this turn. Call once per turn per connection (when its queue was empty). */
export function scheduleFlush(connection: Flushable): void {
  if (dirty.push(connection) === 1) queueMicrotask(flushAll);
}
