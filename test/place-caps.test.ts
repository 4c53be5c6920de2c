import { describe, expect, it } from 'vitest';
import { greedy } from '../src/placement/greedy.js';
import { solveExact } from '../src/placement/highs.js';
import { compileInstance } from '../src/placement/instance.js';
import { planValue, planViolations } from '../src/placement/objective.js';
import {
  DEFAULT_PLACEMENT_OPTIONS,
  type ExistingNode,
  type PlacementInput,
  type Plan,
  type SiteInput,
} from '../src/placement/types.js';

/**
 * Demand metros A (weight 3) and B (weight 1), 100 ms apart; models m0 and m1 (10 GB, equal popularity),
 * so pair weights are (A, m) = 3/8 and (B, m) = 1/8. Provider p1 offers a 20 GB node at A and at B;
 * p2 only a 10 GB node at B (room for one model). The existing network: two p1 nodes and two p3 nodes at a
 * far metro Z (no coverage of A or B). Second coverage and diversity are switched off, so only the cap can
 * make the plan prefer p2.
 */
function site(id: string, metro: string, provider: string, memoryGb: number): SiteInput {
  return {
    id,
    metro,
    labels: { provider, asn: `as-${provider}`, datacenter: `${provider}-${metro}` },
    accelerator: 'h100',
    count: 1,
    memoryGb,
    costUsdMonth: 1000,
  };
}

const existing = (id: string, provider: string): ExistingNode => ({
  id,
  metro: 'Z',
  labels: { provider, asn: `as-${provider}` },
  warm: ['m0'],
});

function input(caps: Record<string, number>): PlacementInput {
  return {
    sites: [site('p1-A', 'A', 'p1', 20), site('p1-B', 'B', 'p1', 20), site('p2-B', 'B', 'p2', 10)],
    slots: [],
    existing: [existing('e1', 'p1'), existing('e2', 'p1'), existing('e3', 'p3'), existing('e4', 'p3')],
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
      robustWeight: 0,
      caps,
      diversity: { ...DEFAULT_PLACEMENT_OPTIONS.diversity, weight: 0 },
    },
  };
}

function providers(inst: ReturnType<typeof compileInstance>, plan: Plan): string[] {
  return plan.picks.map((p) => inst.sites[p.site]!.input.labels.provider!).sort();
}

describe('provider caps', () => {
  it('without a cap both new nodes go to p1 (coverage 3/8·2 + 1/8·2 = 1)', async () => {
    const inst = compileInstance(input({}));
    const g = greedy(inst);
    const exact = await solveExact(inst, { timeLimitS: 10, relativeGap: 0, lpBound: false });
    for (const plan of [g, exact.plan]) {
      expect(providers(inst, plan)).toEqual(['p1', 'p1']);
      expect(planValue(inst, plan)).toBeCloseTo(1, 12);
    }
  });

  it('a binding cap (p1 ≤ 50% of 6 nodes, 2 existing → 1 new) forces p2 into the plan (value 3/4 + 1/8)', async () => {
    const inst = compileInstance(input({ provider: 0.5 }));
    expect(inst.caps.map((c) => [c.value, c.limit])).toEqual([['p1', 1]]);
    const g = greedy(inst);
    const exact = await solveExact(inst, { timeLimitS: 10, relativeGap: 0, lpBound: false });
    for (const plan of [g, exact.plan]) {
      expect(planViolations(inst, plan)).toEqual([]);
      expect(providers(inst, plan)).toEqual(['p1', 'p2']);
      expect(planValue(inst, plan)).toBeCloseTo(0.875, 12);
    }
    expect(exact.status).toBe('optimal');
  });
});
