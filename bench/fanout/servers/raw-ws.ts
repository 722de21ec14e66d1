/**
 * Anchor: the smallest fan-out a `ws` server can do. A client's first frame `join` puts it in the room; any other
 * frame is relayed as is (the same string) to every joined socket. No parsing beyond the join, no persistence.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { answerStats, ready } from './child-stats.js';

const room = new Set<WebSocket>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    const text = isBinary ? '' : data.toString();
    if (text === 'join') {
      room.add(ws);
      ws.send('joined');
      return;
    }
    for (const peer of room) peer.send(text);
  });
  ws.on('close', () => room.delete(ws));
});
wss.on('listening', () => ready((wss.address() as { port: number }).port));
answerStats();
