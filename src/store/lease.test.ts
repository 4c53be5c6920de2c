import { afterEach, describe, expect, it } from 'vitest';
import { NATS_URL, natsReachable } from '../../test/support/nats.js';
import { type LeaseStore, MemoryLeases } from './lease.js';
import { NatsLeases } from './nats-lease.js';

/**
 * The LeaseStore contract, run against every implementation: several stores of one implementation stand
 * for several coordinators (they share a map in memory, a bucket on NATS).
 */
interface Implementation {
  name: string;
  /** `n` views of one set of leases, and the teardown. */
  open(n: number): { stores: LeaseStore[]; cleanup(): Promise<void> };
}

const natsUp = await natsReachable(NATS_URL);
if (!natsUp) console.warn(`skipping the NATS lease contract: no NATS server at ${NATS_URL} (set NATS_URL)`);
let prefixes = 0;

const IMPLEMENTATIONS: Implementation[] = [
  {
    name: 'MemoryLeases',
    open: (n) => {
      const shared = new MemoryLeases();
      return { stores: Array.from({ length: n }, () => shared), cleanup: async () => {} };
    },
  },
  ...(natsUp
    ? [
        {
          name: 'NatsLeases (JetStream KV)',
          open: (n: number) => {
            const prefix = `meridian_lease_test_${process.pid}_${Date.now().toString(36)}_${prefixes++}`;
            const stores = Array.from({ length: n }, () => new NatsLeases({ servers: NATS_URL, prefix }));
            return {
              stores,
              cleanup: async () => {
                await stores[0]!.destroy();
                for (const s of stores) await s.close();
              },
            };
          },
        } satisfies Implementation,
      ]
    : []),
];

const T = 1_800_000_000_000;

for (const impl of IMPLEMENTATIONS) {
  describe(`LeaseStore contract: ${impl.name}`, () => {
    let opened: ReturnType<Implementation['open']> | undefined;
    afterEach(async () => {
      await opened?.cleanup();
      opened = undefined;
    });
    const open = (n: number) => {
      opened = impl.open(n);
      return opened.stores;
    };

    it('gives a free lease to the first asker until now + 15,000 ms and refuses B while A holds it', async () => {
      const [a, b] = open(2);
      expect(await a!.acquire('warmset', 'A', 15_000, T)).toEqual({ holder: 'A', until: T + 15_000 });
      expect(await b!.acquire('warmset', 'B', 15_000, T + 14_999)).toEqual({
        holder: 'A',
        until: T + 15_000,
      });
    });

    it('renews for its holder from the time of the renewal, and keeps other names apart', async () => {
      const [a, b] = open(2);
      await a!.acquire('warmset', 'A', 15_000, T);
      expect(await a!.acquire('warmset', 'A', 15_000, T + 5_000)).toEqual({ holder: 'A', until: T + 20_000 });
      expect(await b!.acquire('other', 'B', 1_000, T + 5_000)).toEqual({ holder: 'B', until: T + 6_000 });
    });

    it('passes to B at the deadline when A stopped renewing (A expired at T + 15,000)', async () => {
      const [a, b] = open(2);
      await a!.acquire('warmset', 'A', 15_000, T);
      expect(await b!.acquire('warmset', 'B', 15_000, T + 15_000)).toEqual({
        holder: 'B',
        until: T + 30_000,
      });
      expect((await a!.acquire('warmset', 'A', 15_000, T + 15_001)).holder).toBe('B');
    });

    it('after a release by its holder, gives the lease at once; a release by another changes nothing', async () => {
      const [a, b, c] = open(3);
      await a!.acquire('warmset', 'A', 15_000, T);
      await c!.release('warmset', 'C');
      expect((await b!.acquire('warmset', 'B', 15_000, T + 1)).holder).toBe('A');
      await a!.release('warmset', 'A');
      expect(await b!.acquire('warmset', 'B', 15_000, T + 2)).toEqual({ holder: 'B', until: T + 15_002 });
    });

    it('of 5 askers racing for a free lease, exactly one wins and all 5 name the same holder', async () => {
      const stores = open(5);
      const got = await Promise.all(stores.map((s, i) => s.acquire('warmset', `C${i}`, 15_000, T)));
      const holders = new Set(got.map((l) => l.holder));
      expect(holders.size).toBe(1);
      expect([...holders][0]).toMatch(/^C[0-4]$/);
    });

    it('of 5 askers racing for an expired lease, exactly one takes it over', async () => {
      const stores = open(5);
      await stores[0]!.acquire('warmset', 'old', 1_000, T);
      const got = await Promise.all(stores.map((s, i) => s.acquire('warmset', `C${i}`, 15_000, T + 1_000)));
      expect(new Set(got.map((l) => l.holder)).size).toBe(1);
      expect(got[0]!.holder).not.toBe('old');
    });
  });
}
