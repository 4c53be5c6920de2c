import { describe, expect, it } from 'vitest';
import { greedy } from './greedy.js';
import { compileInstance } from './instance.js';
import { planValue, planViolations } from './objective.js';
import { DEFAULT_PLACEMENT_OPTIONS, type PlacementInput, type SiteInput } from './types.js';

/**
 * Two demand metros A (weight 3) and B (weight 1), 100 ms apart; two models of 10 GB, equal popularity;
 * ρ = 0.5, no diversity term, no caps. Pair weights: (A, m) = 3/8, (B, m) = 1/8.
 */
function site(id: string, metro: string, provider: string, memoryGb: number): SiteInput {
  return {
    id,
    metro,
    labels: { provider, asn: `as-${provider}`, datacenter: `${provider}-${metro}` },
    accelerator: 'h100',
    count: 1,
    memoryGb,
    costUsdMonth: 100,
  };
}

const INPUT: PlacementInput = {
  sites: [site('sA1', 'A', 'p1', 10), site('sA2', 'A', 'p2', 20), site('sB', 'B', 'p1', 20)],
  slots: [],
  existing: [],
  demand: [
    { metro: 'A', region: 'r', weight: 3 },
    { metro: 'B', region: 'r', weight: 1 },
  ],
  models: [
    { id: 'm0', weightsGb: 8, footprintGb: 10, popularity: 1, accelerators: ['h100'] },
    { id: 'm1', weightsGb: 8, footprintGb: 10, popularity: 1, accelerators: ['h100'] },
  ],
  rtt: (a, b) => (a === b ? 5 : 100),
  options: {
    ...DEFAULT_PLACEMENT_OPTIONS,
    add: 2,
    caps: {},
    diversity: { ...DEFAULT_PLACEMENT_OPTIONS.diversity, weight: 0 },
  },
};

describe('placement objective', () => {
  const inst = compileInstance(INPUT);
  it('counts a pair covered by two providers as 1 + ρ and once-covered pairs as 1, weighted by demand', () => {
    const plan = {
      picks: [
        { site: 0, models: [0] },
        { site: 1, models: [0, 1] },
      ],
    };
    // (A,m0) by p1 and p2: 1.5 × 3/8; (A,m1) by p2: 3/8.
    expect(planValue(inst, plan)).toBeCloseTo(0.5625 + 0.375, 12);
  });
  it('adds the far metro once a site there keeps both models warm', () => {
    const plan = {
      picks: [
        { site: 1, models: [0, 1] },
        { site: 2, models: [0, 1] },
      ],
    };
    expect(planValue(inst, plan)).toBeCloseTo(0.75 + 0.25, 12);
  });
  it('greedy takes the big site at A, then B (0.25) over a second provider at A (0.1875)', () => {
    const plan = greedy(inst);
    expect(planViolations(inst, plan)).toEqual([]);
    expect(plan.picks.map((p) => inst.sites[p.site]!.input.id)).toEqual(['sA2', 'sB']);
    expect(planValue(inst, plan)).toBeCloseTo(1, 12);
  });
  it('reports memory and K violations', () => {
    const plan = {
      picks: [
        { site: 0, models: [0, 1] },
        { site: 1, models: [0] },
        { site: 2, models: [0] },
      ],
    };
    expect(planViolations(inst, plan)).toEqual(['site sA1 needs 20 GB but has 10 GB', '3 new nodes > K = 2']);
  });
  it('has value 0 for an empty plan', () => {
    expect(planValue(inst, { picks: [] })).toBe(0);
  });
});
