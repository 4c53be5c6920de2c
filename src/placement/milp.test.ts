import { describe, expect, it } from 'vitest';
import { lpRelaxationBound, solveExact } from './highs.js';
import { compileInstance, type Instance } from './instance.js';
import { buildMilp, planColumns } from './milp.js';
import { planValue, planViolations } from './objective.js';
import { syntheticInput } from './synthetic.js';
import { DEFAULT_PLACEMENT_OPTIONS, type Pick, type SiteInput } from './types.js';

/** The best feasible plan by enumerating every choice of sites and warm-model subsets. */
function bruteForce(inst: Instance): number {
  let best = 0;
  const picks: Pick[] = [];
  const rec = (s: number, added: number, warmed: number) => {
    if (s === inst.sites.length) {
      const plan = { picks: [...picks] };
      if (planViolations(inst, plan).length === 0) best = Math.max(best, planValue(inst, plan));
      return;
    }
    rec(s + 1, added, warmed);
    const site = inst.sites[s]!;
    if (site.isNew && added >= inst.options.add) return;
    if (!site.isNew && warmed >= inst.options.warmExisting) return;
    const options = inst.siteModels[s]!.map((sm) => sm.model);
    for (let mask = 1; mask < 1 << options.length; mask++) {
      const models = options.filter((_, k) => mask & (1 << k));
      const mem = models.reduce((t, m) => t + inst.models[m]!.footprintGb, 0);
      if (mem > site.memory) continue;
      picks.push({ site: s, models });
      rec(s + 1, added + (site.isNew ? 1 : 0), warmed + (site.isNew ? 0 : 1));
      picks.pop();
    }
  };
  rec(0, 0, 0);
  return best;
}

function tiny(seed: number): Instance {
  return compileInstance(
    syntheticInput({
      seed,
      metros: 4,
      candidates: 6,
      models: 3,
      providers: 3,
      asnsPerProvider: 2,
      existing: 1 + (seed % 3),
      slots: seed % 3,
      options: {
        add: 2,
        warmExisting: 1,
        thresholdMs: 80,
        nearestSites: 3,
        caps: { provider: 0.4, asn: 0.3 },
        diversity: { minProviders: 2, popularShare: 0.7, maxPopular: 2, weight: 0.3 },
      },
    }),
  );
}

describe('placement MILP', () => {
  for (let seed = 101; seed <= 112; seed++) {
    it(`seed ${seed}: HiGHS finds the brute-force optimum and the LP bound is above it`, async () => {
      const inst = tiny(seed);
      const opt = bruteForce(inst);
      const exact = await solveExact(inst, { timeLimitS: 10, relativeGap: 0, lpBound: false });
      expect(exact.status).toBe('optimal');
      expect(exact.objective).toBeCloseTo(opt, 9);
      const lp = await lpRelaxationBound(inst, 10);
      expect(lp!).toBeGreaterThanOrEqual(opt - 1e-9);
    });
  }

  it('a plan encoded as columns satisfies every row and reproduces its objective', () => {
    const inst = tiny(103);
    const milp = buildMilp(inst);
    const plan = {
      picks: inst.siteModels
        .map((list, site) => ({ site, models: list.slice(0, 1).map((sm) => sm.model) }))
        .filter((p) => p.models.length > 0)
        .slice(0, 1),
    };
    const v = planColumns(inst, milp, plan);
    for (let r = 0; r < milp.numRows; r++) {
      let act = 0;
      for (let k = milp.starts[r]!; k < milp.starts[r + 1]!; k++)
        act += milp.values[k]! * v[milp.indices[k]!]!;
      expect(act).toBeLessThanOrEqual(milp.rowUpper[r]! + 1e-9);
      expect(act).toBeGreaterThanOrEqual(milp.rowLower[r]! - 1e-9);
    }
    const obj = milp.colCost.reduce((s, c, i) => s + c * v[i]!, 0);
    expect(obj).toBeCloseTo(planValue(inst, plan), 12);
  });

  it('gives pairs reached by the same replicas one coverage term (weights 3/4 + 1/4 = 1) and one u per set of same-provider replicas', () => {
    // Demand metros A (weight 3) and C (weight 1) both see sites s1 and s2 of provider p at B, 10 ms away.
    const site = (id: string, asn: string): SiteInput => ({
      id,
      metro: 'B',
      labels: { provider: 'p', asn, datacenter: id },
      accelerator: 'h100',
      count: 1,
      memoryGb: 80,
      costUsdMonth: 1,
    });
    const inst = compileInstance({
      sites: [site('s1', 'a1'), site('s2', 'a2')],
      slots: [],
      existing: [],
      demand: [
        { metro: 'A', region: 'r', weight: 3 },
        { metro: 'C', region: 'r', weight: 1 },
      ],
      models: [{ id: 'm', weightsGb: 8, footprintGb: 10, popularity: 1, accelerators: ['h100'] }],
      rtt: (a, b) => (a === b ? 1 : 10),
      options: { ...DEFAULT_PLACEMENT_OPTIONS, add: 2, caps: {} },
    });
    expect(inst.pairs.count).toBe(2);
    const milp = buildMilp(inst);
    // y1 y2 x1 x2, u = [x1 + x2 ≥ 1] shared by both pairs and the diversity term, a and b of the one
    // coverage term, e (diversity): 8 columns; rows x1 ≤ y1, x2 ≤ y2, K, u, coverage, diversity: 6.
    expect(milp.size).toMatchObject({ columns: 8, integers: 4, rows: 6 });
    const costs = [...milp.colCost].filter((c) => c > 0);
    const rho = DEFAULT_PLACEMENT_OPTIONS.robustWeight;
    expect(costs[0]).toBeCloseTo(1, 12);
    expect(costs[1]).toBeCloseTo(rho, 12);
  });
});
