import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { TIER_GPU, TIER_HOST_RAM, TIER_LOCAL_DISK, TIER_REMOTE } from './dynamics.js';
import { CELL_EXCLUDED } from './model-cells.js';
import { NetworkState } from './state.js';
import type { NetworkView } from './view.js';

const MODELS = ['m0', 'm1', 'm2'].map((id) =>
  Model.parse({
    id,
    kind: 'llm',
    weightsGb: 10,
    performance: { h100: { prefillMsPer1k: 1, decodeMsPerToken: 1 } },
  }),
);

function state(nodes: number): NetworkState {
  const m = metroById('frankfurt')!;
  return NetworkState.fromScenario({
    nodes: Array.from({ length: nodes }, (_, i) =>
      Node.parse({
        id: `n${i}`,
        roles: ['inference'],
        location: { lat: m.lat, lon: m.lon, metro: 'frankfurt' },
        labels: { provider: 'p', asn: 1, datacenter: 'd', operator: 'o', country: m.country },
        hardware: { accelerator: 'h100', count: 2, memoryGb: 80 },
        models: i % 2 === 0 ? [{ model: 'm1', tier: 'gpu' }] : [{ model: 'm2', tier: 'localDisk' }],
      }),
    ),
    models: MODELS,
  });
}

/** The cells the view's node-major matrices imply. */
function expected(view: NetworkView): number[] {
  const n = view.topology.n;
  const m = view.topology.models.count;
  const out: number[] = [];
  for (let k = 0; k < m; k++)
    for (let i = 0; i < n; i++)
      out.push(view.dyn.tier[i * m + k]! | (view.dyn.excluded[i * m + k] ? CELL_EXCLUDED : 0));
  return out;
}

describe('model cells: the tier and exclusion matrices of a view, model by model', () => {
  it('a snapshot of 4 nodes × 3 models holds cell (model 1, node 2) = gpu and (model 2, node 3) = local disk', () => {
    const view = state(4).snapshot(0);
    expect(view.cells[1 * 4 + 2]).toBe(TIER_GPU);
    expect(view.cells[2 * 4 + 3]).toBe(TIER_LOCAL_DISK);
    expect(view.cells[0 * 4 + 0]).toBe(TIER_REMOTE);
    expect([...view.cells]).toEqual(expected(view));
  });

  it('a refresh after 1 of 40 nodes changed patches its cells (tier 1 → host RAM, excluded from model 2)', () => {
    const s = state(40);
    const view = s.snapshot(0);
    s.setTier(7, 1, 'hostRam');
    s.setExcluded(7, 2, true);
    s.refresh(view, 10);
    expect(view.cells[1 * 40 + 7]).toBe(TIER_HOST_RAM);
    expect(view.cells[2 * 40 + 7]! & CELL_EXCLUDED).toBe(CELL_EXCLUDED);
    expect([...view.cells]).toEqual(expected(view));
    s.setExcluded(7, 2, false);
    s.refresh(view, 20);
    expect(view.cells[2 * 40 + 7]! & CELL_EXCLUDED).toBe(0);
    expect([...view.cells]).toEqual(expected(view));
  });

  it('a refresh after 10 of 40 nodes changed (more than 1 in 16) rebuilds every cell', () => {
    const s = state(40);
    const view = s.snapshot(0);
    for (let i = 0; i < 10; i++) s.setTier(i, 0, i % 2 === 0 ? 'gpu' : 'localDisk');
    s.setExcluded(39, 0, true);
    s.refresh(view, 10);
    expect(view.cells[0 * 40 + 4]).toBe(TIER_GPU);
    expect(view.cells[0 * 40 + 39]).toBe(TIER_REMOTE | CELL_EXCLUDED);
    expect([...view.cells]).toEqual(expected(view));
  });
});
