import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode } from '../../protocol/errors.js';
import { clientAddress } from '../limits/client-address.js';
import { logRefusedConnection } from '../observability/connection-log.js';
import type { Services } from '../services.js';
import { WsSession } from './ws-session.js';

/**
 * Attaches the WebSocket endpoint (`/ws`) to the one http(s).Server. `maxPayload` makes ws itself close a connection
 * whose frame is over the limit with 1009. An address over its connection limit is accepted and closed at once
 * with 4429, so that a browser sees why (a refused upgrade would only show as 1006).
 */
export function attachWebSocketGateway(server: HttpServer, services: Services): { stop(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: services.limits.maxFrameBytes });
  let accepting = true;
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (!accepting || path !== '/ws') {
      socket.destroy();
      return;
    }
    const address = clientAddress(req, services.trustProxy);
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const admit = (allowed: boolean) => {
        if (!allowed) {
          services.metrics.refused.inc({ reason: 'connections-per-ip' });
          logRefusedConnection(services.logger, 'websocket', address, 'too many connections from this address');
          ws.close(CloseCode.abuse, 'too many connections from this address');
          return;
        }
        new WsSession(ws, services, { origin, address }, socket); // it gives the address's connection back on close
      };
      const allowed = services.guard.openConnection(address);
      if (typeof allowed === 'boolean') return admit(allowed);
      // Counted in Redis: hold the client's first frames in the socket until the answer is in.
      ws.pause();
      void allowed.then(admit, () => admit(true)).finally(() => ws.resume());
    });
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
