import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { Rng } from '../util/rng.js';
import { TIER_GPU } from './dynamics.js';
import { NetworkState, type Snapshot } from './state.js';
import type { ReusableBuckets } from './warm-index.js';

const ACCELS = ['h100', 'a100-80', 'l4', 'api'] as const;
const METROS = ['frankfurt', 'amsterdam', 'paris', 'london', 'ashburn'];
const MODELS = 12;

function network(nodes: number, rng: Rng): NetworkState {
  const models = Array.from({ length: MODELS }, (_, k) =>
    Model.parse({
      id: `m${k}`,
      kind: 'llm',
      weightsGb: 1 + k * 3,
      // Model k runs on the accelerators whose bit is set in k + 1 (some on none of the GPUs).
      performance: Object.fromEntries(
        ACCELS.filter((_, a) => ((k + 1) >> a) & 1).map((a) => [
          a,
          { prefillMsPer1k: 1, decodeMsPerToken: 1 },
        ]),
      ),
    }),
  );
  return NetworkState.fromScenario({
    nodes: Array.from({ length: nodes }, (_, i) => {
      const metro = metroById(METROS[rng.int(METROS.length)]!)!;
      const accelerator = ACCELS[rng.int(ACCELS.length)]!;
      return Node.parse({
        id: `n${i}`,
        roles: rng.chance(0.1) ? ['full'] : ['inference'],
        location: { lat: metro.lat, lon: metro.lon, metro: metro.id },
        labels: { provider: 'p', asn: 1, datacenter: 'd', operator: 'o', country: metro.country },
        hardware:
          accelerator === 'api'
            ? { accelerator, count: 0, memoryGb: 0 }
            : { accelerator, count: 2, memoryGb: 80 },
        models: [{ model: `m${rng.int(MODELS)}`, tier: rng.chance(0.5) ? 'gpu' : 'hostRam' }],
      });
    }),
    models,
  });
}

/** One bucket set as plain arrays, up to its item count (arrays may be longer than that). */
function plain(b: ReusableBuckets) {
  const total = b.start[b.start.length - 1]!;
  return {
    start: [...b.start],
    items: [...b.items.subarray(0, total)],
    runEnd: [...b.runEnd.subarray(0, total)],
  };
}

/** A random change of node `i`'s warm set: load, finish, evict, start or stop loading, or a full report. */
function change(state: NetworkState, view: Snapshot, rng: Rng, i: number): void {
  const m = rng.int(MODELS);
  switch (rng.int(6)) {
    case 0:
      state.setTier(i, m, 'gpu');
      break;
    case 1:
      state.setTier(i, m, rng.chance(0.5) ? 'hostRam' : 'remote');
      break;
    case 2:
      state.setLoading(i, rng.chance(0.2) ? -1 : m, 1000);
      break;
    case 3: {
      // Loading a model already resident: the node counts twice in that model's buckets.
      const resident = [...Array(MODELS).keys()].find((k) => view.dyn.tier[i * MODELS + k] === TIER_GPU);
      state.setLoading(i, resident ?? m, 1000);
      break;
    }
    case 4:
      state.report(i, { resident: [`m${m}`, `m${rng.int(MODELS)}`], loading: null }, 0);
      break;
    default:
      state.setExcluded(i, m, rng.chance(0.5));
  }
}

describe('warm index refresh', () => {
  it('patched in place over 300 refreshes of 0 to 40 changed nodes in 400, equals a rebuild after every one, and so do the tier and exclusion matrices (two views refreshed at different rates)', () => {
    const rng = new Rng(16);
    const state = network(400, rng);
    const often = state.snapshot(0);
    const seldom = state.snapshot(0);
    let patched = 0;
    for (let r = 1; r <= 300; r++) {
      // Mostly a few nodes (patched); now and then more than 1 in 16 (rebuilt).
      const changes = rng.chance(0.1) ? 20 + rng.int(21) : rng.int(8);
      for (let c = 0; c < changes; c++) change(state, often, rng, rng.int(400));
      const views = r % 5 === 0 ? [often, seldom] : [often];
      for (const view of views) {
        state.refresh(view, r);
        const fresh = state.snapshot(r);
        expect(plain(view.warm), `refresh ${r}: warm`).toEqual(plain(fresh.warm));
        expect(plain(view.warmBySpeed), `refresh ${r}: warmBySpeed`).toEqual(plain(fresh.warmBySpeed));
        // Tier and exclusion rows are copied only for the nodes that changed.
        expect(view.dyn.tier, `refresh ${r}: tier`).toEqual(fresh.dyn.tier);
        expect(view.dyn.excluded, `refresh ${r}: excluded`).toEqual(fresh.dyn.excluded);
      }
      if (changes > 0 && changes < 25) patched++;
    }
    expect(patched).toBeGreaterThan(150);
  });
});
