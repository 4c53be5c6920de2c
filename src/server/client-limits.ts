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
}

export class ClientLimiter {
  private readonly states = new Map<string, State>();

  /** Takes one request for `client` at `now` (ms); the refusal, or undefined when it may go. */
  take(client: string, limits: ClientLimits, now: number): LimitRefusal | undefined {
    const { rate, quota } = limits;
    let s = this.states.get(client);
    if (s === undefined) this.states.set(client, (s = { tokens: rate.burst, at: now, window: 0, used: 0 }));
    s.tokens = Math.min(rate.burst, s.tokens + (Math.max(0, now - s.at) * rate.perSecond) / 1000);
    s.at = now;
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
    return undefined;
  }

  /** Forgets a client (its key was revoked). */
  forget(client: string): void {
    this.states.delete(client);
  }
}
