/**
 * The one parser of a Server-Sent Events stream for Node-side clients (test-support/node-event-source.ts, the server
 * tests' SseClient): text in, complete events out, as the EventSource spec reads them — `field: value` lines (one
 * optional space after the colon), `data` lines joined by newlines, comment lines (`: …`) and unknown fields ignored,
 * an event ended by a blank line, `\n` or `\r\n`.
 */
export interface SseMessage {
  /** `event:`, or `message` when the event named none. */
  event: string;
  data: string;
  id?: string;
}

export class SseParser {
  private buffer = '';

  /** Feeds a chunk of the stream; returns the events it completed (events without data are dropped, as browsers do). */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    const events: SseMessage[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue; // a comment
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') id = value;
      }
      if (data.length) events.push({ event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    }
    return events;
  }
}
