import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { afterWebSocketFailure } from '../net/fallback.js';

describe('afterWebSocketFailure', () => {
  it('retries WebSocket until enough failures in a row, then asks whether HTTP answers', () => {
    assert.equal(afterWebSocketFailure('auto', 1, 2), 'websocket');
    assert.equal(afterWebSocketFailure('auto', 2, 2), 'ask-http');
  });

  it('falls back to SSE only when WebSocket failed twice in a row right after HTTP answered (a proxy refusing upgrades)', () => {
    assert.equal(afterWebSocketFailure('auto', 3, 2, 1), 'ask-http'); // once may be a flaky network cutting a handshake
    assert.equal(afterWebSocketFailure('auto', 4, 2, 2), 'sse');
    // HTTP not answering: a server that is down, not a blocked WebSocket (the count starts over).
    assert.equal(afterWebSocketFailure('auto', 9, 2, 0), 'ask-http');
  });

  it('never leaves WebSocket when it is forced', () => {
    assert.equal(afterWebSocketFailure('websocket', 9, 2, 5), 'websocket');
  });
});
