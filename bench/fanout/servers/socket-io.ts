/**
 * Anchor: Socket.IO 4 doing the same fan-out with its room broadcast (`io.to(room).emit`, which encodes a packet
 * once for all recipients), WebSocket transport only.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { answerStats, ready } from './child-stats.js';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
io.on('connection', (socket) => {
  socket.on('join', (ack: () => void) => {
    void socket.join('room');
    ack();
  });
  socket.on('op', (payload: string) => io.to('room').emit('event', payload));
});
http.listen(0, '127.0.0.1', () => ready((http.address() as { port: number }).port));
answerStats();
