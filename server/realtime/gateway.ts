import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ServerContext } from './context.js';
import { WsSession } from './ws-session.js';

/**
 * Attaches the WebSocket endpoint (`/ws`) to the one http.Server. `maxPayload` makes ws itself close a connection
 * whose frame is over the limit with 1009.
 */
export function attachWebSocketGateway(server: HttpServer, ctx: ServerContext): { stop(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: ctx.limits.maxFrameBytes });
  let accepting = true;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (!accepting || path !== '/ws') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => new WsSession(ws, ctx));
  };
  server.on('upgrade', onUpgrade);
  return {
    stop() {
      accepting = false;
      server.off('upgrade', onUpgrade);
      wss.close();
    },
  };
}
