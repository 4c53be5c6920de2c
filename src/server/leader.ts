import type { LeaseStore } from '../store/lease.js';

/**
 * One coordinator's hold on a lease (store/lease.ts): `ensure()` takes or renews it, a timer renews it
 * every third of its length, and `held()` says whether this coordinator may act on it now. It counts as
 * held until `ttlMs` after the renewal was *asked* (not answered), by this coordinator's own clock, so a
 * holder cut off from the store stops acting no later than the others may take over. A failed renewal
 * (store unreachable) counts as not held.
 */
export class Leader {
  private heldUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The holder last seen (this coordinator or another), and until when. */
  holder: string | undefined;
  until = 0;
  /** Times this coordinator took the lease from not holding it. */
  takeovers = 0;
  lastError: string | undefined;
  private taking: Promise<boolean> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly leases: LeaseStore,
    readonly name: string,
    readonly self: string,
    readonly ttlMs: number,
    private readonly now: () => number,
    /** Called when this coordinator takes the lease it did not hold. */
    private readonly onTakeover: () => Promise<void> | void = () => {},
  ) {}

  /** Renews every `ttlMs / 3` from now on. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.ensure(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    void this.ensure();
  }

  held(): boolean {
    return this.now() < this.heldUntil;
  }

  /** Takes or renews the lease now (one at a time); resolves to whether it is held (never after `stop`). */
  ensure(): Promise<boolean> {
    if (this.stopping !== undefined) return Promise.resolve(false);
    this.taking ??= this.renew().finally(() => {
      this.taking = undefined;
    });
    return this.taking;
  }

  private async renew(): Promise<boolean> {
    const asked = this.now();
    const was = this.held();
    try {
      const l = await this.leases.acquire(this.name, this.self, this.ttlMs, asked);
      this.holder = l.holder;
      this.until = l.until;
      this.lastError = undefined;
      if (l.holder !== this.self) {
        this.heldUntil = 0;
        return false;
      }
      if (!was) {
        this.takeovers++;
        await this.onTakeover();
      }
      this.heldUntil = asked + this.ttlMs;
      return this.held();
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.heldUntil = 0;
      return false;
    }
  }

  /**
   * Stops renewing; `release`: gives the lease up so another takes over at once (a clean stop). Later
   * calls return the first one's promise.
   */
  stop(release = true): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.timer);
      this.timer = undefined;
      await this.taking;
      const wasHeld = this.held();
      this.heldUntil = 0;
      if (release && wasHeld) await this.leases.release(this.name, this.self).catch(() => {});
    })();
    return this.stopping;
  }
}
