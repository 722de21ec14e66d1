/** The WebSocket transport: `GET /ws`, JSON text frames both ways (SPEC §2). */
import { CloseCode, type ClientMessage, type ServerMessage } from '../../protocol/index.js';
import type { Transport, TransportEvents } from './transport.js';

/** `http(s)://host/prefix` → `ws(s)://host/prefix/ws`. */
export function webSocketUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = url.hash = '';
  return url.toString();
}

export class WebSocketTransport implements Transport {
  readonly name = 'websocket' as const;
  readonly framesOps = true;
  opened = false;
  private socket: WebSocket;
  private done = false;

  constructor(server: string, events: TransportEvents, Socket: typeof WebSocket = WebSocket) {
    const socket = (this.socket = new Socket(webSocketUrl(server)));
    socket.onopen = () => {
      this.opened = true;
      events.onOpen();
    };
    socket.onmessage = (event) => {
      if (this.done || typeof event.data !== 'string') return;
      try {
        events.onMessage(JSON.parse(event.data) as ServerMessage);
      } catch {
        // not JSON: the server only sends JSON, so ignore rather than crash
      }
    };
    socket.onerror = () => {}; // the close event follows and says everything (and Node's `ws` throws without a listener)
    socket.onclose = (event) => {
      if (this.done) return;
      this.done = true;
      events.onClose(event.code);
    };
  }

  send(message: ClientMessage): void {
    this.sendOp(JSON.stringify(message));
  }

  sendOp(frame: string): void {
    if (this.socket.readyState === 1) this.socket.send(frame);
  }

  close(): void {
    this.done = true;
    this.socket.close(CloseCode.normal);
  }
}
