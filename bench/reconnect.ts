/**
 * Time from reconnect to resynced for 1000 missed events: a client (the element's RoomController + Connection, in
 * Node with `ws`) is cut off by a TCP proxy while a writer makes 1000 changes; then the network comes back. Printed:
 * - reconnect → resynced: from the new link's `open` (welcome) to the room being at the server's seq, i.e. the
 *   `subscribe` with `since`, the replay of 1000 events and applying them (the client's part and the server's);
 * - for comparison, the raw SSE stream's replay of the same 1000 events (`/api/events?sub=room@epoch:0`, no client
 *   code: Node 20 has no EventSource).
 * Reconnect delays (backoff) are not counted: they are chosen, not measured. Run: `node --import tsx bench/reconnect.ts`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ops, startTestServer, SseClient, WsClient } from '../server/test/helpers.js';
import { RoomClient, until, useNodeTransport } from '../server/test/support/room-client.js';
import { startCuttableProxy } from '../test-support/cuttable-proxy.js';

const RUNS = Number(process.env.RUNS ?? 5);
const MISSED = 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  useNodeTransport();
  const server = await startTestServer({ limits: { opBurst: 1_000_000, opsPerSecond: 1_000_000, ipOpBurst: 1_000_000, ipOpsPerSecond: 1_000_000 } });
  const ws: number[] = [];
  const sse: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const proxy = await startCuttableProxy(server.url);
      const room = `bench-${randomUUID()}`;
      let openedAt = 0;
      let resyncedAt = 0;
      const client = new RoomClient(proxy.url, room, {
        onUpdate: (c) => {
          if (openedAt && !resyncedAt && c.controller.state.seq === MISSED) resyncedAt = performance.now();
        },
      });
      await until(() => client.controller.ready, () => 'no snapshot');
      client.connection.listen({ onState: (state) => state === 'open' && (openedAt ||= performance.now()) });
      proxy.cut(true);
      await until(() => client.connection.state === 'reconnecting', () => 'no cut');
      const writer = await WsClient.connect(server);
      let marker = '';
      for (let i = 0; i < MISSED; i++) {
        const op = i % 10 === 0 ? ops.createMarker(room, `m${i}`) : ops.addComment(room, marker, `c${i}`);
        if (op.type === 'create-marker') marker = op.marker.id;
        writer.send(op);
      }
      await until(() => writer.received().filter((m) => m.type === 'ack').length === MISSED, () => 'writer acks');
      await writer.close();
      proxy.restore();
      await until(() => resyncedAt > 0, () => `client at ${client.controller.state.seq}`, 30_000);
      ws.push(resyncedAt - openedAt);
      client.close();
      await proxy.close();

      const snapshot = (await (await fetch(`${server.url}/api/rooms/${room}/markers?tenant=demo`)).json()) as { epoch: string };
      const started = performance.now();
      const stream = await SseClient.open(`${server.url}/api/events?tenant=demo&sub=${room}@${snapshot.epoch}:0`);
      await stream.next('subscribed', 30_000);
      sse.push(performance.now() - started);
      stream.close();
    }
  } finally {
    await server.stop();
  }
  const fmt = (values: number[]) => `median ${median(values).toFixed(0)} ms (runs: ${values.map((v) => v.toFixed(0)).join(', ')})`;
  console.log(`reconnect → resynced, ${MISSED} missed events, WebSocket, element code: ${fmt(ws)}`);
  console.log(`SSE stream replay of ${MISSED} events (raw stream, server side):     ${fmt(sse)}`);
  process.exit(0);
}

await main();
