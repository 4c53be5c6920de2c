import { describe, expect, it } from 'vitest';
import { type Lease, type LeaseStore, MemoryLeases } from '../store/lease.js';
import { Leader } from './leader.js';

const T = 1_800_000_000_000;

/** A lease store whose answers take `delayMs` of the test's clock, or fail while `down`. */
class SlowLeases implements LeaseStore {
  down = false;
  constructor(
    private readonly inner: LeaseStore,
    private readonly clock: { now: number },
    private readonly delayMs: number,
  ) {}
  async acquire(name: string, holder: string, ttlMs: number, now: number): Promise<Lease> {
    if (this.down) throw new Error('NATS unreachable');
    const l = await this.inner.acquire(name, holder, ttlMs, now);
    this.clock.now += this.delayMs;
    return l;
  }
  release(name: string, holder: string): Promise<void> {
    return this.inner.release(name, holder);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('Leader', () => {
  it('counts a 15 s lease as held until 15 s after it was asked for, not answered (a 400 ms answer leaves 14.6 s)', async () => {
    const clock = { now: T };
    const a = new Leader(
      new SlowLeases(new MemoryLeases(), clock, 400),
      'warmset',
      'A',
      15_000,
      () => clock.now,
    );
    expect(await a.ensure()).toBe(true);
    expect(clock.now).toBe(T + 400);
    clock.now = T + 14_999;
    expect(a.held()).toBe(true);
    clock.now = T + 15_000;
    expect(a.held()).toBe(false);
  });

  it('takes over once the holder stopped renewing for 15 s, and calls back once per takeover', async () => {
    const clock = { now: T };
    const leases = new MemoryLeases();
    const taken: string[] = [];
    const a = new Leader(
      leases,
      'warmset',
      'A',
      15_000,
      () => clock.now,
      () => void taken.push('A'),
    );
    const b = new Leader(
      leases,
      'warmset',
      'B',
      15_000,
      () => clock.now,
      () => void taken.push('B'),
    );
    expect([await a.ensure(), await b.ensure()]).toEqual([true, false]);
    expect(b.holder).toBe('A');
    clock.now = T + 5_000;
    expect([await a.ensure(), await b.ensure()]).toEqual([true, false]);
    await a.stop(false);
    expect(await a.ensure()).toBe(false);
    clock.now = T + 19_999;
    expect(await b.ensure()).toBe(false);
    clock.now = T + 20_000;
    expect(await b.ensure()).toBe(true);
    expect(await b.ensure()).toBe(true);
    expect([taken, a.takeovers, b.takeovers]).toEqual([['A', 'B'], 1, 1]);
  });

  it('does not hold while the store cannot be reached, and says why', async () => {
    const clock = { now: T };
    const slow = new SlowLeases(new MemoryLeases(), clock, 0);
    const a = new Leader(slow, 'warmset', 'A', 15_000, () => clock.now);
    expect(await a.ensure()).toBe(true);
    slow.down = true;
    expect(await a.ensure()).toBe(false);
    expect([a.held(), a.lastError]).toEqual([false, 'NATS unreachable']);
  });

  it('gives the lease up on a clean stop, so B takes it at once', async () => {
    const clock = { now: T };
    const leases = new MemoryLeases();
    const a = new Leader(leases, 'warmset', 'A', 15_000, () => clock.now);
    const b = new Leader(leases, 'warmset', 'B', 15_000, () => clock.now);
    await a.ensure();
    await a.stop();
    expect(await b.ensure()).toBe(true);
  });
});
