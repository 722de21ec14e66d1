/**
 * A token bucket: `capacity` tokens, refilled at `refillPerSecond`. Each action takes one; an empty bucket refuses.
 * Bursts up to `capacity` pass (a reviewer clicking fast), sustained rates above the refill do not.
 * Pure apart from the clock, which is injectable for tests.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(capacity > 0) || !(refillPerSecond >= 0)) throw new TypeError('TokenBucket needs capacity > 0 and refillPerSecond >= 0');
    this.#tokens = capacity;
    this.#updatedAt = now();
  }

  /** Takes `cost` tokens if there are enough; returns whether it did. */
  take(cost = 1): boolean {
    this.#refill();
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  /** Tokens available now (fractional). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.refillPerSecond);
    this.#updatedAt = now;
  }
}

/**
 * Buckets by key (a user id, an IP), created on first use and forgotten once full again so that memory stays
 * bounded by the number of keys active within one refill period.
 */
export class BucketMap {
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string, cost = 1): boolean {
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.maxKeys) this.sweep();
      bucket = new TokenBucket(this.capacity, this.refillPerSecond, this.now);
      this.#buckets.set(key, bucket);
    }
    return bucket.take(cost);
  }

  /** Drops buckets that have refilled completely (they behave exactly like new ones). */
  sweep(): void {
    for (const [key, bucket] of this.#buckets) if (bucket.available >= bucket.capacity) this.#buckets.delete(key);
  }

  get size(): number {
    return this.#buckets.size;
  }
}
