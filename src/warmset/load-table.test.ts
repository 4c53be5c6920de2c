import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import type { WarmSetInput, WarmSetNode } from './controller.js';
import { LoadTable } from './load-table.js';
import { WarmPlan } from './plan-state.js';

/**
 * A random network under memory pressure: `nodes` nodes in 4 places (nodes in a place share one
 * round-trip array, as the simulator gives them), 3 slot sizes and 2 accelerator speeds, 6 models of
 * 10–60 GB (one nearly idle) on 80–160 GB nodes, most of them already full.
 */
function network(seed: number, nodes: number): WarmSetInput {
  const rng = new Rng(seed);
  const M = 6;
  const regions = ['a', 'b', 'c'];
  const places = Array.from({ length: 4 }, () => regions.map(() => Math.round(rng.uniform(5, 250))));
  const models = Array.from({ length: M }, (_, k) => ({
    id: `m${k}`,
    footprintGb: Math.round(rng.uniform(10, 60)),
    rps: k === M - 1 ? 0.01 : rng.uniform(0.05, 4),
    regionRps: regions.map(() => rng.uniform(0, 1)),
  }));
  const list: WarmSetNode[] = Array.from({ length: nodes }, (_, n) => {
    const fast = rng.chance(0.5);
    const memoryGb = rng.chance(0.5) ? 80 : 160;
    const warm: number[] = [];
    let used = 0;
    for (const k of Array.from({ length: M }, (_, i) => i).sort(() => rng.uniform(-1, 1))) {
      if (used + models[k]!.footprintGb <= memoryGb && rng.chance(0.6)) {
        warm.push(k);
        used += models[k]!.footprintGb;
      }
    }
    return {
      id: `n${n}`,
      memoryGb,
      slots: [2, 4, 8][rng.int(3)]!,
      domain: `d${rng.int(3)}`,
      maxResident: rng.chance(0.2) ? 2 : Number.POSITIVE_INFINITY,
      warm,
      loadMs: models.map((m) => (rng.chance(0.85) ? m.footprintGb * (fast ? 250 : 700) : undefined)),
      serviceMs: models.map((_, k) => (fast ? 300 : 900) * (1 + k / 4)),
      servedRps: models.map(() => (rng.chance(0.5) ? rng.uniform(0, 0.5) : undefined)),
      rttMs: places[rng.int(places.length)],
    };
  });
  return { horizonMs: 900_000, models, nodes: list, regions, reachMs: 100 };
}

/** Every entry of `table`, and each row's best, against a table priced afresh from the same plan. */
function expectSameAsFresh(input: WarmSetInput, plan: WarmPlan, table: LoadTable): void {
  const fresh = new LoadTable(input, plan, table.busy);
  table.busy.forEach((m, b) => {
    // The kept table's best is carried along from load to load; the fresh one's is a scan.
    expect(table.best(b)).toEqual(fresh.best(b));
    input.nodes.forEach((_, n) => {
      const kept = table.entry(b, n);
      expect(kept).toEqual(fresh.entry(b, n));
      // A load's gain is WarmPlan.deltaMs, priced per class of alike nodes: the same number, to the bit.
      if (kept !== undefined) expect(kept.gain).toBe(-plan.deltaMs(m, n, 1));
    });
  });
}

describe('LoadTable', () => {
  for (const seed of [1, 2, 3]) {
    it(`stays what pricing afresh gives, best loads included, through 25 loads with their evictions (60 random nodes, 6 models, seed ${seed})`, () => {
      const input = network(seed, 60);
      const plan = new WarmPlan(input);
      const busy = input.models.map((_, k) => k).filter((k) => input.models[k]!.rps > 0);
      const table = new LoadTable(input, plan, busy);
      expectSameAsFresh(input, plan, table);
      const rng = new Rng(seed + 100);
      let loads = 0;
      let evictions = 0;
      for (let step = 0; step < 200 && loads < 25; step++) {
        const c = table.entry(rng.int(busy.length), rng.int(input.nodes.length));
        if (c === undefined) continue;
        for (const k of c.evict) plan.remove(c.n, k);
        plan.add(c.n, c.m);
        table.applied(c);
        loads++;
        evictions += c.evict.length;
        expectSameAsFresh(input, plan, table);
      }
      expect(loads).toBe(25);
      expect(evictions).toBeGreaterThan(0);
    });
  }

  it('best is the highest gain − cost, the lowest node among equals, and none when nothing can load', () => {
    const input = network(4, 30);
    const plan = new WarmPlan(input);
    const table = new LoadTable(input, plan, [0, 1]);
    for (const b of [0, 1]) {
      const all = input.nodes.map((_, n) => table.entry(b, n)).filter((c) => c !== undefined);
      const top = Math.max(...all.map((c) => c.gain - c.cost));
      const first = all.find((c) => c.gain - c.cost === top);
      expect(table.best(b)).toEqual(first);
    }
    const none = new LoadTable({ ...input, nodes: [] }, new WarmPlan({ ...input, nodes: [] }), [0]);
    expect(none.best(0)).toBeUndefined();
  });
});
