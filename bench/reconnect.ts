/**
 * Time from reconnect to resynced for 1000 missed events: a client (the element's RoomController + Connection, in
 * Node with `ws`) is cut off by a TCP proxy while a writer makes 1000 changes; then the network comes back. Printed:
 * - reconnect → resynced, over WebSocket and over SSE: from the new link's `open` to the room being at the server's
 *   seq, i.e. the `subscribe` with `since` (SSE: the stream opened with `sub=room@epoch:seq`), the replay of 1000
 *   events and applying them (the client's part and the server's). SSE runs on a small fetch-based EventSource
 *   (test-support/node-event-source.ts): Node 20 has none.
 * Reconnect delays (backoff) are not counted: they are chosen, not measured. Run: `node --import tsx bench/reconnect.ts`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ops, startTestServer, WsClient } from '../server/test/helpers.js';
import { RoomClient, until, useNodeTransport } from '../server/test/support/room-client.js';
import { startTcpProxy } from '../test-support/tcp-proxy.js';

const RUNS = Number(process.env.RUNS ?? 5);
const MISSED = 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  useNodeTransport();
  const server = await startTestServer({ limits: { opBurst: 1_000_000, opsPerSecond: 1_000_000, ipOpBurst: 1_000_000, ipOpsPerSecond: 1_000_000 } });
  const times: Record<'websocket' | 'sse', number[]> = { websocket: [], sse: [] };
  try {
    for (let run = 0; run < RUNS * 2; run++) {
      const transport = run % 2 ? 'sse' : 'websocket';
      const proxy = await startTcpProxy(server.url);
      const room = `bench-${randomUUID()}`;
      let openedAt = 0;
      let resyncedAt = 0;
      const client = new RoomClient(proxy.url, room, {
        transport,
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
      // `received()` hands each message over once: count the acks as they come, not per poll.
      let acks = 0;
      await until(() => (acks += writer.received().filter((m) => m.type === 'ack').length) === MISSED, () => `writer acks (${transport}): ${acks}`, 60_000);
      await writer.close();
      proxy.restore();
      await until(() => resyncedAt > 0, () => `client at ${client.controller.state.seq}`, 30_000);
      times[transport].push(resyncedAt - openedAt);
      client.close();
      await proxy.close();
    }
  } finally {
    await server.stop();
  }
  const fmt = (values: number[]) => `median ${median(values).toFixed(0)} ms (runs: ${values.map((v) => v.toFixed(0)).join(', ')})`;
  console.log(`reconnect → resynced, ${MISSED} missed events, WebSocket: ${fmt(times.websocket)}`);
  console.log(`reconnect → resynced, ${MISSED} missed events, SSE:       ${fmt(times.sse)}`);
  process.exit(0);
}

await main();
