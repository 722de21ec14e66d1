import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../realtime/rate-limit.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(2, 4, () => now);
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
    now = 250; // one token back at 4 per second
    assert.deepEqual([bucket.take(), bucket.take()], [true, false]);
    now = 10_000; // never more than the burst
    assert.deepEqual([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
  });
});
