import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../src/geo/distance.js';
import { metroById } from '../src/geo/metros.js';
import { RTT_MODEL } from '../src/geo/rtt-model.js';
import { Dataset } from '../src/model/dataset.js';
import { NetworkState } from '../src/network/state.js';
import { policyByName } from '../src/routing/profiles.js';
import { route } from '../src/routing/route.js';
import { Rng } from '../src/util/rng.js';
import { LLAMA_70B, node, request } from './route-support.js';

const rtt = (a: string, b: string) =>
  ((2 * greatCircleKm(metroById(a)!, metroById(b)!)) / RTT_MODEL.fibreKmPerMs) * RTT_MODEL.inflation +
  RTT_MODEL.accessMs;

function network(dataset: Dataset) {
  const nodes = [
    node({ id: 'fra', metro: 'frankfurt', provider: 'a', models: [{ model: 'llama-70b', tier: 'gpu' }] }),
    node({ id: 'nyc', metro: 'new-york', provider: 'b', models: [{ model: 'llama-70b', tier: 'gpu' }] }),
    node({ id: 'data-nyc', metro: 'new-york', provider: 'c', roles: ['data'] }),
  ];
  return NetworkState.fromScenario({ nodes, models: [LLAMA_70B], datasets: [dataset] });
}

describe('data fetch', () => {
  it('runs next to a 50 GB dataset in New York rather than move it to Frankfurt (40 s at 1.25 GB/s)', () => {
    const state = network(Dataset.parse({ id: 'logs', sizeGb: 50, heldBy: ['data-nyc'] }));
    const d = route(
      request('frankfurt', { model: 'llama-70b', dataset: 'logs' }),
      state.snapshot(0),
      policyByName('meridian'),
      new Rng(1),
      {
        explain: true,
      },
    );
    expect(d.ok && d.primary).toBe('nyc');
    const fra = d.receipt?.top.find((c) => c.node === 'fra');
    expect(fra?.dataFetchMs).toBeCloseTo(rtt('new-york', 'frankfurt') + 40_000, 1);
    // Same metro: the metro's LAN at 2.5 GB/s.
    expect(d.receipt?.top.find((c) => c.node === 'nyc')?.dataFetchMs).toBeCloseTo(
      RTT_MODEL.accessMs + 20_000,
      1,
    );
  });

  it('moves a 10 MB query instead of the data when that is smaller, so the near node is no longer penalised', () => {
    const state = network(Dataset.parse({ id: 'logs', sizeGb: 50, queryGb: 0.01, heldBy: ['data-nyc'] }));
    const d = route(
      request('frankfurt', { model: 'llama-70b', dataset: 'logs' }),
      state.snapshot(0),
      policyByName('meridian'),
      new Rng(1),
      {
        explain: true,
      },
    );
    const [fra, nyc] = ['fra', 'nyc'].map((id) => d.receipt?.top.find((c) => c.node === id));
    expect(fra?.dataFetchMs).toBeCloseTo(rtt('new-york', 'frankfurt') + 8, 1);
    // Either way one transatlantic round trip is paid: the two estimates are within 1%.
    expect(Math.abs(fra!.estimateMs - nyc!.estimateMs) / nyc!.estimateMs).toBeLessThan(0.01);
  });

  it('refuses a dataset whose every holder is down', () => {
    const state = network(Dataset.parse({ id: 'logs', sizeGb: 50, heldBy: ['data-nyc'] }));
    state.setHealthy(2, false);
    const d = route(
      request('frankfurt', { model: 'llama-70b', dataset: 'logs' }),
      state.snapshot(0),
      policyByName('meridian'),
      new Rng(1),
    );
    expect(!d.ok && d.error).toEqual({
      code: 'dataset_unavailable',
      message: 'no healthy node holds dataset "logs"',
    });
  });
});
