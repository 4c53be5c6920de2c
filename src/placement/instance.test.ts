import { describe, expect, it } from 'vitest';
import { greedy } from './greedy.js';
import { solveExact } from './highs.js';
import { compileInstance } from './instance.js';
import { DEFAULT_PLACEMENT_OPTIONS, type PlacementInput, type SiteInput } from './types.js';

function site(id: string, metro: string, memoryGb: number, costUsdMonth: number, provider = 'p'): SiteInput {
  return {
    id,
    metro,
    labels: { provider, asn: `as-${provider}`, datacenter: `dc-${metro}` },
    accelerator: 'h100',
    count: 1,
    memoryGb,
    costUsdMonth,
  };
}

function input(sites: SiteInput[], nearestSites = 10): PlacementInput {
  return {
    sites,
    slots: [],
    existing: [],
    demand: [{ metro: 'A', region: 'r', weight: 1 }],
    models: [{ id: 'm', weightsGb: 8, footprintGb: 10, popularity: 1, accelerators: ['h100'] }],
    rtt: (a, b) => (a === b ? 5 : Number(b.slice(1)) * 10),
    options: { ...DEFAULT_PLACEMENT_OPTIONS, add: 1, caps: {}, nearestSites },
  };
}

describe('compileInstance', () => {
  it('is empty for empty input, and both solvers return an empty plan', async () => {
    const inst = compileInstance({ ...input([]), demand: [], models: [] });
    expect(inst.pairs.count).toBe(0);
    expect(inst.sites).toEqual([]);
    expect(greedy(inst)).toEqual({ picks: [] });
    const exact = await solveExact(inst, { timeLimitS: 5, relativeGap: 0, lpBound: false });
    expect(exact).toMatchObject({ status: 'optimal', objective: 0, plan: { picks: [] } });
  });

  it('drops a site dominated in its group (less memory, higher cost) and keeps other groups', () => {
    const inst = compileInstance(
      input([
        site('big-cheap', 'A', 80, 100),
        site('small-dear', 'A', 40, 200),
        site('other', 'B1', 40, 200, 'q'),
      ]),
    );
    expect(inst.sites.map((s) => s.input.id)).toEqual(['big-cheap', 'other']);
    expect(inst.stats.pruned).toBe(1);
  });

  it('keeps two sites without an operator label apart: two domains (code -1), not one "(unlabelled)" group', () => {
    const base = input([site('x', 'A', 80, 100), site('y', 'A', 40, 200)]);
    const inst = compileInstance({ ...base, options: { ...base.options, robustDimension: 'operator' } });
    // Same metro, provider, ASN and datacenter; y is dominated only if the missing operators were equal.
    expect(inst.sites.map((s) => s.input.id)).toEqual(['x', 'y']);
    expect(inst.sites.map((s) => s.domain)).toEqual([-1, -1]);
  });

  it('caps no value for sites without the capped label (operator ≤ 50% of 2 new nodes, none labelled)', () => {
    const base = input([site('x', 'A', 80, 100), site('z', 'B1', 80, 100, 'q')]);
    const inst = compileInstance({ ...base, options: { ...base.options, add: 2, caps: { operator: 0.5 } } });
    expect(inst.caps).toEqual([]);
  });

  it('drops sites that cannot hold any model', () => {
    const inst = compileInstance(input([site('tiny', 'A', 8, 10)]));
    expect(inst.sites).toEqual([]);
  });

  it('lets a pair see only the k nearest capable sites, completing the metro where the k-th is reached', () => {
    // RTT from A: B1 10 ms, B2 20 ms, B3 30 ms; two providers at B2.
    const sites = [
      site('s3', 'B3', 80, 1, 'p3'),
      site('s2a', 'B2', 80, 1, 'p2'),
      site('s2b', 'B2', 80, 1, 'q2'),
      site('s1', 'B1', 80, 1, 'p1'),
    ];
    const inst = compileInstance(input(sites, 2));
    const reached = inst.siteModels.map((l, s) =>
      l.some((sm) => sm.reach.length > 0) ? inst.sites[s]!.input.id : null,
    );
    expect(reached.filter((x) => x !== null).sort()).toEqual(['s1', 's2a', 's2b']);
  });

  it('offers no site a replica would not serve: 30 ms from demand A with a warm replica at 20 ms, only the 10 ms site is offered and picked', async () => {
    // RTT from A: B1 10 ms, B2 20 ms (existing warm replica, provider e), B3 30 ms (within the 40 ms threshold).
    const base = input([site('s1', 'B1', 80, 1, 'p1'), site('s3', 'B3', 80, 1, 'p3')]);
    const inst = compileInstance({
      ...base,
      existing: [{ id: 'e1', metro: 'B2', labels: { provider: 'e' }, warm: ['m'] }],
      options: { ...base.options, add: 2 },
    });
    // s3 would add a second provider within the threshold and a third provider for the model, but a
    // nearest-first router sends it nothing while e1 is up.
    const offered = inst.siteModels.flatMap((l, s) => (l.length > 0 ? [inst.sites[s]!.input.id] : []));
    expect(offered).toEqual(['s1']);
    const ids = (picks: { site: number }[]) => picks.map((p) => inst.sites[p.site]!.input.id);
    expect(ids(greedy(inst).picks)).toEqual(['s1']);
    const exact = await solveExact(inst, { timeLimitS: 5, relativeGap: 0, lpBound: false });
    expect(ids(exact.plan.picks)).toEqual(['s1']);
  });

  it('warms no model on a site too slow for the SLO: a request of 8,000 ms on 8×h100 takes 46,656 ms on 1×h100, over the 9,960 ms budget, so only the 8-device site is offered', () => {
    const base = input([
      { ...site('one', 'B1', 80, 1, 'p1'), count: 1 },
      { ...site('eight', 'B2', 80, 1, 'p2'), count: 8 },
    ]);
    const model = { ...base.models[0]!, serviceMs: { h100: { ms: 8000, devices: 8 } }, maxServiceMs: 9960 };
    const inst = compileInstance({ ...base, models: [model] });
    // deviceTimeFactor(8, 1) = 8 × 0.9³ / 1 = 5.832.
    expect(inst.sites.map((s) => s.input.id)).toEqual(['eight']);
    const { maxServiceMs: _, ...unbounded } = model;
    const unchecked = compileInstance({ ...base, models: [unbounded] });
    expect(unchecked.sites.map((s) => s.input.id).sort()).toEqual(['eight', 'one']);
  });
});
