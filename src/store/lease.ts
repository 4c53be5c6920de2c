/**
 * Leases: a named role held by one holder at a time until a deadline, taken and renewed by compare-and-set
 * so that of several coordinators racing for it exactly one wins. A holder that stops renewing (it died,
 * or lost its connection) loses the lease once the deadline passes, and the next to ask takes it.
 *
 * Deadlines are milliseconds since the epoch on the clock of the one that wrote them: the holders must
 * agree on the time to well within the lease's length (NTP gives a few ms; leases last seconds).
 * Implementations: `MemoryLeases` (one process: tests, a single coordinator), `NatsLeases`
 * (`nats-lease.ts`, a JetStream KV bucket). Both pass `lease.test.ts`.
 */
export interface Lease {
  /** Who holds the lease after the call (the asker when it won). */
  holder: string;
  /** Until when, ms since the epoch. */
  until: number;
}

export interface LeaseStore {
  /**
   * Takes `name` for `holder` until `now + ttlMs` when it is free, expired (`until <= now`) or already
   * the holder's own (a renewal); otherwise leaves it. Returns the lease as it stands after the call.
   */
  acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease>;
  /** Gives `name` up at once when `holder` holds it (a clean stop: the next asker need not wait). */
  release(name: string, holder: string): Promise<void>;
  close(): Promise<void>;
}

/** The rule both implementations apply to what they read: may `holder` write the lease at `now`? */
export function mayTake(current: Lease | undefined, holder: string, now: number): boolean {
  return current === undefined || current.holder === holder || current.until <= now;
}

/** Leases in one process. */
export class MemoryLeases implements LeaseStore {
  private readonly leases = new Map<string, Lease>();

  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease> {
    const current = this.leases.get(name);
    if (!mayTake(current, holder, now)) return { ...current! };
    const next = { holder, until: now + ttlMs };
    this.leases.set(name, next);
    return { ...next };
  }

  async release(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }

  async close(): Promise<void> {}
}
