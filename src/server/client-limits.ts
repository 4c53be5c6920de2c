/**
 * Per client key: a token bucket (`perSecond`, `burst`) and an optional quota of requests per fixed
 * window. Each gateway request from a key takes one token; an empty bucket or a spent quota is refused
 * with the time until the next request would be taken. Limits per IP, per operator token and per node
 * are elsewhere; this is the client-key part only.
 */

export interface ClientRate {
  perSecond: number;
  burst: number;
}

export interface ClientQuota {
  requests: number;
  windowMs: number;
}

export interface ClientLimits {
  rate: ClientRate;
  quota?: ClientQuota;
}

export type LimitRefusal = { code: 'rate_limited' | 'quota_exceeded'; retryAfterMs: number };

interface State {
  tokens: number;
  at: number;
  window: number;
  used: number;
  burst: number;
  windowMs?: number | undefined;
}

export class ClientLimiter {
  private readonly states = new Map<string, State>();
  /** Requests taken here since the last `takeUsage` (what other coordinators must be told). */
  private usage = new Map<string, number>();
  /** Requests other coordinators took for clients not seen here yet, with when (ms). */
  private readonly owed = new Map<string, { n: number; at: number }>();

  /** Takes one request for `client` at `now` (ms); the refusal, or undefined when it may go. */
  take(client: string, limits: ClientLimits, now: number): LimitRefusal | undefined {
    const { rate, quota } = limits;
    let s = this.states.get(client);
    if (s === undefined) s = this.fresh(client, limits, now);
    s.tokens = Math.min(rate.burst, s.tokens + (Math.max(0, now - s.at) * rate.perSecond) / 1000);
    s.at = now;
    s.burst = rate.burst;
    s.windowMs = quota?.windowMs;
    if (quota !== undefined) {
      const window = Math.floor(now / quota.windowMs);
      if (window !== s.window) {
        s.window = window;
        s.used = 0;
      }
      if (s.used >= quota.requests)
        return { code: 'quota_exceeded', retryAfterMs: (window + 1) * quota.windowMs - now };
    }
    if (s.tokens < 1) return { code: 'rate_limited', retryAfterMs: ((1 - s.tokens) * 1000) / rate.perSecond };
    s.tokens -= 1;
    if (quota !== undefined) s.used++;
    this.usage.set(client, (this.usage.get(client) ?? 0) + 1);
    return undefined;
  }

  /**
   * `n` requests another coordinator took for `client` at `at` (ms): they come off this bucket (down to
   * at most one burst below empty) and count against the quota window they fell in, so a key's rate and
   * quota hold across coordinators (docs/nats.md states the accuracy).
   */
  charge(client: string, n: number, at: number): void {
    const s = this.states.get(client);
    if (s === undefined) {
      const o = this.owed.get(client);
      this.owed.set(client, { n: (o?.n ?? 0) + n, at });
      return;
    }
    this.debit(s, n, at);
  }

  /** Requests taken here per client since the last call (and forgets them). */
  takeUsage(): Map<string, number> {
    const u = this.usage;
    this.usage = new Map();
    return u;
  }

  private fresh(client: string, limits: ClientLimits, now: number): State {
    const windowMs = limits.quota?.windowMs;
    const window = windowMs === undefined ? 0 : Math.floor(now / windowMs);
    const s: State = {
      tokens: limits.rate.burst,
      at: now,
      window,
      used: 0,
      burst: limits.rate.burst,
      windowMs,
    };
    this.states.set(client, s);
    const o = this.owed.get(client);
    if (o !== undefined) {
      this.owed.delete(client);
      this.debit(s, o.n, o.at);
    }
    return s;
  }

  private debit(s: State, n: number, at: number): void {
    s.tokens = Math.max(-s.burst, s.tokens - n);
    if (s.windowMs === undefined) return;
    const window = Math.floor(at / s.windowMs);
    if (window > s.window) {
      s.window = window;
      s.used = 0;
    }
    if (window === s.window) s.used += n;
  }

  /** Forgets a client (its key was revoked). */
  forget(client: string): void {
    this.states.delete(client);
    this.owed.delete(client);
  }
}
