/**
 * Token buckets by key (an IP, a token hash, a node id): each key holds at most `burst` tokens and gains
 * `perSecond` of them per second; a request takes one. The clock is passed in, so tests step it. The key
 * map is bounded: past `maxKeys` the least recently used keys are forgotten (a forgotten key starts full,
 * so forgetting only ever errs towards letting a request through).
 */

export interface BucketOptions {
  perSecond: number;
  burst: number;
  /** Keys kept at most (default 100,000). */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(
    private readonly opt: BucketOptions,
    private readonly now: () => number,
  ) {
    this.maxKeys = opt.maxKeys ?? 100_000;
  }

  /** Takes `cost` tokens from `key`'s bucket: 0 when it had them, else the ms until it will (nothing taken). */
  take(key: string, cost = 1): number {
    const b = this.refilled(key);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return this.waitMs(b, cost);
  }

  /** The ms until `key` has `cost` tokens (0: it has them now); takes nothing. */
  check(key: string, cost = 1): number {
    const b = this.buckets.get(key);
    if (b === undefined) return 0;
    const tokens = Math.min(this.opt.burst, b.tokens + ((this.now() - b.at) / 1000) * this.opt.perSecond);
    return tokens >= cost ? 0 : this.waitMs({ tokens, at: b.at }, cost);
  }

  get size(): number {
    return this.buckets.size;
  }

  private waitMs(b: Bucket, cost: number): number {
    if (this.opt.perSecond <= 0) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.ceil(((cost - b.tokens) / this.opt.perSecond) * 1000));
  }

  private refilled(key: string): Bucket {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.opt.burst, at: t };
      if (this.buckets.size >= this.maxKeys) this.forgetOldest();
    } else {
      this.buckets.delete(key); // re-inserted below: the map's order is least recently used first
      b.tokens = Math.min(this.opt.burst, b.tokens + (Math.max(0, t - b.at) / 1000) * this.opt.perSecond);
      b.at = t;
    }
    this.buckets.set(key, b);
    return b;
  }

  private forgetOldest(): void {
    const drop = Math.max(1, Math.floor(this.maxKeys / 10));
    let k = 0;
    for (const key of this.buckets.keys()) {
      if (k++ >= drop) break;
      this.buckets.delete(key);
    }
  }
}
