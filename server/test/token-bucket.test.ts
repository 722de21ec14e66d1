import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BucketMap, TokenBucket } from '../limits/token-bucket.js';

describe('TokenBucket', () => {
  it('lets a burst up to capacity through, then refills at its rate', () => {
    let now = 0;
    const bucket = new TokenBucket(5, 2, () => now);
    for (let i = 0; i < 5; i++) assert.equal(bucket.take(), true);
    assert.equal(bucket.take(), false);
    now += 499;
    assert.equal(bucket.take(), false);
    now += 1;
    assert.equal(bucket.take(), true);
    now += 60_000;
    assert.equal(bucket.available, 5, 'never holds more than its capacity');
  });

  it('refuses a nonsensical configuration', () => {
    assert.throws(() => new TokenBucket(0, 1), TypeError);
  });
});

describe('BucketMap', () => {
  it('keeps one bucket per key and forgets the full ones', () => {
    let now = 0;
    const buckets = new BucketMap(2, 1, () => now);
    assert.equal(buckets.take('a'), true);
    assert.equal(buckets.take('a'), true);
    assert.equal(buckets.take('a'), false);
    assert.equal(buckets.take('b'), true, 'another key has its own bucket');
    now += 10_000;
    buckets.sweep();
    assert.equal(buckets.size, 0);
  });
});
