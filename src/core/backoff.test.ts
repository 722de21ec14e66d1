import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoff, retryStep } from '../net/backoff.js';

describe('backoff', () => {
  it('grows exponentially up to the maximum', () => {
    const top = () => 0.999999;
    assert.equal(backoff(0, 500, 20_000, top), 499);
    assert.equal(backoff(3, 500, 20_000, top), 3999);
    assert.equal(backoff(30, 500, 20_000, top), 19_999);
  });

  it('is jittered but never below half the minimum', () => {
    assert.equal(backoff(5, 500, 20_000, () => 0), 250);
    const seen = new Set(Array.from({ length: 50 }, () => backoff(6)));
    assert.ok(seen.size > 10);
    for (const delay of seen) assert.ok(delay >= 250 && delay <= 20_000);
  });
});

describe('retryStep (minUptime)', () => {
  it('keeps counting while links drop soon after opening, and starts over after one stayed up', () => {
    assert.equal(retryStep(4, 1_000, 5_000), 4);
    assert.equal(retryStep(4, 0, 5_000), 4);
    assert.equal(retryStep(4, 5_000, 5_000), 0);
    assert.equal(retryStep(4, 60_000, 5_000), 0);
  });
});
