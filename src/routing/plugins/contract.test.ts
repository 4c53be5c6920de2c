/**
 * One contract suite run against every built-in plugin type (scorers, filters, pickers), on a small but
 * varied network: warm, cold, loading, busy, stale, down and demoted nodes, a dataset, several metros.
 */
import { describe, expect, it } from 'vitest';
import { estimateParams } from '../../estimate/params.js';
import { metroById } from '../../geo/metros.js';
import { Dataset } from '../../model/dataset.js';
import { Model } from '../../model/model.js';
import { Node } from '../../model/node.js';
import { Request } from '../../model/request.js';
import { NetworkState } from '../../network/state.js';
import { Rng } from '../../util/rng.js';
import type { Filter, Picker, Scorer } from '../contracts.js';
import { compileQuery, RouteQuery } from '../query.js';
import { defaultRegistry } from './index.js';

const METROS = ['frankfurt', 'amsterdam', 'new-york', 'singapore'];
const MODEL = Model.parse({
  id: 'm',
  kind: 'llm',
  weightsGb: 40,
  performance: {
    h100: { prefillMsPer1k: 50, decodeMsPerToken: 10 },
    l40s: { prefillMsPer1k: 120, decodeMsPerToken: 25 },
  },
});

function network() {
  const nodes = Array.from({ length: 12 }, (_, k) => {
    const metro = metroById(METROS[k % 4]!)!;
    return Node.parse({
      id: `n${k}`,
      roles: k === 11 ? ['inference', 'data'] : ['inference'],
      location: { lat: metro.lat, lon: metro.lon, metro: metro.id },
      labels: {
        provider: `p${k % 3}`,
        asn: k,
        datacenter: `d${k}`,
        operator: `o${k}`,
        country: metro.country,
      },
      hardware: { accelerator: k % 2 === 0 ? 'h100' : 'l40s', count: 1, memoryGb: k % 2 === 0 ? 80 : 48 },
      models:
        k % 3 === 0 ? [{ model: 'm', tier: 'gpu' }] : k % 3 === 1 ? [{ model: 'm', tier: 'hostRam' }] : [],
      pricePer1kTokens: k / 10,
    });
  });
  // n12 is the twin of n0: same place, hardware, holdings and state (for the tie test).
  nodes.push(Node.parse({ ...nodes[0]!, id: 'n12' }));
  const datasets = [Dataset.parse({ id: 'd', sizeGb: 5, heldBy: ['n11'] })];
  const state = NetworkState.fromScenario({ nodes, models: [MODEL], datasets });
  state.setLoad(1, 8, 20, 0, 3000); // busy
  state.setLoad(2, 3, 0, -20_000); // stale report
  state.setLoading(4, 0, 12_000, 0); // loading the model
  state.setHealthy(5, false);
  state.setDemoted(3, true); // a low trust score (the demoted scorer penalises it)
  const view = state.snapshot(1000);
  const q = new RouteQuery(estimateParams());
  const request = Request.parse({
    model: 'm',
    client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
    inputTokens: 900,
    outputTokens: 150,
    dataset: 'd',
  });
  const err = compileQuery(q, request, view);
  if (err) throw new Error(err.message);
  return { view, q };
}

const registry = defaultRegistry();
const all = Int32Array.from({ length: 13 }, (_, k) => k);

describe.each(registry.list('scorer').map((d) => [d.type, d] as const))('scorer %s', (_, def) => {
  const scorer = def.create(def.params.parse({}) as never) as Scorer;
  const { view, q } = network();

  it('scores every candidate with a finite cost ≥ 0 ms', () => {
    const out = new Float64Array(13).fill(-1);
    scorer.score(view, q, all.slice(), 13, out);
    for (const v of out) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives identical nodes identical costs', () => {
    const out = new Float64Array(13);
    scorer.score(view, q, all.slice(), 13, out);
    expect(out[12]).toBe(out[0]);
  });

  it('scores a node the same wherever it sits in the list, and leaves the list alone', () => {
    const forward = new Float64Array(13);
    const backward = new Float64Array(13);
    const reversed = all.slice().reverse();
    scorer.score(view, q, all.slice(), 13, forward);
    scorer.score(view, q, reversed, 13, backward);
    expect(Array.from(backward).reverse()).toEqual(Array.from(forward));
    expect(Array.from(reversed)).toEqual(Array.from(all).reverse());
  });

  it('writes nothing for an empty list', () => {
    const out = new Float64Array(2).fill(7);
    scorer.score(view, q, new Int32Array(0), 0, out);
    expect(Array.from(out)).toEqual([7, 7]);
  });
});

describe.each(registry.list('filter').map((d) => [d.type, d] as const))('filter %s', (_, def) => {
  const filter = def.create(def.params.parse({}) as never) as Filter;
  const { view, q } = network();

  it('keeps a subsequence of the candidates, in order, and says why it removes', () => {
    const c = all.slice();
    const n = filter.filter(view, q, c, 13);
    expect(n).toBeGreaterThanOrEqual(0);
    expect(n).toBeLessThanOrEqual(13);
    const kept = Array.from(c.subarray(0, n));
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(filter.reason.length).toBeGreaterThan(0);
  });

  it('keeps nothing from nothing', () => {
    expect(filter.filter(view, q, new Int32Array(0), 0)).toBe(0);
  });
});

describe.each(registry.list('picker').map((d) => [d.type, d] as const))('picker %s', (_, def) => {
  const picker = def.create(def.params.parse({}) as never) as Picker;
  const { view, q } = network();

  it('returns a position inside the list, for any costs', () => {
    const rng = new Rng(1);
    for (let trial = 0; trial < 200; trial++) {
      const count = 1 + rng.int(13);
      const costs = Float64Array.from({ length: count }, () => rng.uniform(0, 10_000));
      const p = picker.pick(view, q, all.slice(), count, costs, rng);
      expect(Number.isInteger(p) && p >= 0 && p < count).toBe(true);
    }
  });

  it('returns the only candidate of a list of one', () => {
    expect(picker.pick(view, q, Int32Array.of(7), 1, Float64Array.of(5), new Rng(2))).toBe(0);
  });
});
