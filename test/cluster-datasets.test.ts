import { afterEach, describe, expect, it } from 'vitest';
import { MemoryHub } from '../src/bus/memory-bus.js';
import type { HeldDataset } from '../src/model/dataset.js';
import { joinCluster } from '../src/server/cluster.js';
import { parseConfig } from '../src/server/config.js';
import type { DataVerdict } from '../src/server/data-proof-check.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { beat, descriptor, register, startCoordinator, type TestCoordinator } from './server-kit.js';

/**
 * Two coordinators sharing one store and one in-memory bus: a data node registered through A carries its
 * datasets to B (in the stored descriptor); each coordinator challenges it itself and routes next to the
 * data only once its own challenge passed.
 */
const SECRET = 'cluster-test-secret-0123456789abcdef';
const CLUSTER = parseConfig({ cluster: { nats: ['nats://127.0.0.1:4222'], prefix: 'datatest' } }).cluster!;
const MODEL = 'llama-3.1-8b-instruct';
const HELD: HeldDataset = {
  id: 'corpus',
  version: 1,
  sizeGb: 80,
  root: 'c'.repeat(64),
  chunks: 320,
  chunkBytes: 4096,
};

let open: TestCoordinator[] = [];
afterEach(async () => {
  for (const c of open) {
    c.coordinator.cluster?.close();
    await c.close();
  }
  open = [];
});

const route = (c: TestCoordinator) =>
  c.app.inject({
    method: 'POST',
    url: '/v1/route',
    payload: {
      model: MODEL,
      client: { lat: 50.1, lon: 8.7 },
      inputTokens: 100,
      outputTokens: 10,
      dataset: 'corpus',
    },
  });

describe('coordinators sharing data nodes', () => {
  it('B learns the dataset a node registered through A, challenges it itself, and routes next to it once proven', async () => {
    const hub = new MemoryHub();
    const store = new MemoryStore();
    const asked: string[][] = [[], []];
    const answers: ((v: DataVerdict) => void)[] = [];
    const cs: TestCoordinator[] = [];
    for (let k = 0; k < 2; k++) {
      const c = await startCoordinator(
        { secret: SECRET },
        {
          store,
          // A proves at once; B's challenge waits until the test answers it.
          dataChallenge: (_endpoint, _key, held) => {
            asked[k]!.push(held.id);
            return k === 0 ? Promise.resolve({ ok: true }) : new Promise((r) => answers.push(r));
          },
        },
      );
      joinCluster(c.coordinator, hub.connect(), CLUSTER);
      open.push(c);
      cs.push(c);
    }
    const [a, b] = cs as [TestCoordinator, TestCoordinator];
    const settle = async () => {
      for (const c of cs) c.coordinator.cluster!.sync();
      await hub.settled();
    };
    const data = await register(
      a,
      { ...descriptor('data'), roles: ['inference', 'data'], datasets: [HELD] },
      'http://127.0.0.1:9',
    );
    const plain = await register(a, descriptor('plain'), 'http://127.0.0.1:19');
    await settle();
    for (const n of [data, plain]) expect(await beat(a, n)).toBe(200);
    await settle();
    await a.coordinator.dataProofs.settled();

    expect(asked).toEqual([['corpus'], ['corpus']]);
    expect((await route(a)).json().primary).toBe('data');
    // B has the node and its claim, but not yet its own proof: to B nothing holds corpus.
    expect(b.coordinator.dataProofs.statusOf('data').map((s) => s.status)).toEqual(['pending']);
    const before = await route(b);
    expect(before.statusCode).toBe(404);
    expect(before.json().error.message).toMatch(/dataset "corpus" is not held by this network/);
    answers.shift()!({ ok: true });
    await b.coordinator.dataProofs.settled();
    const after = await route(b);
    expect(after.statusCode).toBe(200);
    expect(after.json().primary).toBe('data');
  });
});
