import { afterAll, describe, expect, it } from 'vitest';
import { NATS_URL, natsReachable } from '../../test/support/nats.js';
import { NatsStore } from './nats-store.js';

const up = await natsReachable(NATS_URL);
if (!up) console.warn(`skipping NATS store tests: no NATS server at ${NATS_URL} (set NATS_URL)`);

/** Waits until `done()` holds, up to 10 s (a bound on a hang, not a speed requirement). */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000 && !(await done()); i++) await new Promise((r) => setTimeout(r, 10));
}

describe.skipIf(!up)('NatsStore shared by several coordinators', () => {
  const prefix = `meridian_test_shared_${process.pid}_${Date.now().toString(36)}`;
  const stores = [0, 1, 2].map(() => new NatsStore({ servers: NATS_URL, prefix }));
  afterAll(async () => {
    await stores[0]!.destroy();
    for (const s of stores) await s.close();
  });

  it('three coordinators racing to accept heartbeats 1…30 of one node accept each sequence exactly once', async () => {
    await stores[0]!.putNode({
      id: 'n1',
      operator: 'op',
      publicKey: 'pk',
      endpoint: 'http://127.0.0.1:9',
      descriptor: {},
      registeredAt: 1,
      updatedAt: 1,
      lastSeq: 0,
    });
    let accepted = 0;
    for (let seq = 1; seq <= 30; seq++) {
      const results = await Promise.all(stores.map((s) => s.advanceSeq('n1', seq)));
      accepted += results.filter(Boolean).length;
      expect(results.filter(Boolean).length).toBe(1);
    }
    expect(accepted).toBe(30);
    expect((await stores[2]!.getNode('n1'))!.lastSeq).toBe(30);
  });

  it('a receipt written by one coordinator is read by id from another', async () => {
    await stores[1]!.putReceipts([{ id: 'r-1', createdAt: 5, json: '{"x":1}' }]);
    expect(await stores[2]!.getReceipt('r-1')).toEqual({ id: 'r-1', createdAt: 5, json: '{"x":1}' });
  });

  it('a client key issued on one coordinator is found by another, and gone there once revoked', async () => {
    const token = { hash: 'ab12', operator: 'c1', createdAt: 1, note: 'admin', kind: 'client' as const };
    await stores[0]!.getToken('warm-up'); // the other's copy of the bucket is now being kept
    await stores[1]!.getToken('warm-up');
    await stores[0]!.putToken(token);
    await until(async () => (await stores[1]!.getToken('ab12')) !== undefined);
    expect(await stores[1]!.getToken('ab12')).toEqual(token);
    await stores[0]!.deleteToken('ab12');
    await until(async () => (await stores[1]!.getToken('ab12')) === undefined);
    expect(await stores[1]!.getToken('ab12')).toBeUndefined();
  });

  it('refuses a prefix NATS cannot name', () => {
    expect(() => new NatsStore({ servers: NATS_URL, prefix: 'a.b' })).toThrow(
      /prefix must be letters, digits, - and _ \(got "a.b"\)/,
    );
  });
});
