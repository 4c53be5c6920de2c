import { describe, expect, it } from 'vitest';
import { planWarmSets, type WarmSetInput, type WarmSetNode } from './controller.js';

const HOUR = 3_600_000;

function node(id: string, domain: string, warm: number[], over: Partial<WarmSetNode> = {}): WarmSetNode {
  return {
    id,
    domain,
    memoryGb: 160,
    slots: 4,
    maxResident: Number.POSITIVE_INFINITY,
    warm,
    loadMs: [40_000, 5_000],
    serviceMs: [4_000, 500],
    ...over,
  };
}

describe('planWarmSets', () => {
  it('does nothing for an empty network', () => {
    expect(planWarmSets({ horizonMs: HOUR, models: [], nodes: [] })).toEqual([]);
  });

  it('the cold-start trap: 0.8 req/s of a 4 s model on one warm 4-slot node (ρ = 0.8) → warms more nodes, another provider first', () => {
    const input: WarmSetInput = {
      horizonMs: 600_000,
      models: [
        { id: 'big', footprintGb: 84, rps: 0.8 },
        { id: 'small', footprintGb: 10, rps: 0 },
      ],
      nodes: [
        node('ams', 'aws', [0]),
        node('fra', 'aws', []),
        node('par', 'gcp', []),
        node('lon', 'azure', []),
      ],
    };
    const actions = planWarmSets(input);
    const loads = actions.filter((a) => a.kind === 'load');
    expect(loads.length).toBeGreaterThanOrEqual(1);
    expect(loads[0]!.model).toBe('big');
    expect(['par', 'lon']).toContain(loads[0]!.node);
    expect(loads[0]!.reason).toMatch(/warm only in aws/);
  });

  it('a busy model is not evicted for a rarely used one: node full with "big" (0.5 req/s), "small" at 0.001 req/s', () => {
    const input: WarmSetInput = {
      horizonMs: HOUR,
      models: [
        { id: 'big', footprintGb: 150, rps: 0.5 },
        { id: 'small', footprintGb: 20, rps: 0.001 },
      ],
      nodes: [node('a', 'x', [0], { loadMs: [40_000, 5_000] }), node('b', 'y', [0])],
    };
    const actions = planWarmSets(input);
    expect(actions.filter((a) => a.kind === 'unload' && a.model === 'big')).toEqual([]);
  });

  it('does not evict a model its node serves for a second domain of a quiet one (0.1 req/s served × 900 s × 1.5 s reload = 135 s, more than the load gains)', () => {
    const small = { memoryGb: 24, loadMs: [1_500, 6_000], serviceMs: [500, 4_000] };
    const input: WarmSetInput = {
      horizonMs: 900_000,
      models: [
        { id: 'served', footprintGb: 15, rps: 0.3 },
        { id: 'quiet', footprintGb: 18, rps: 0.08 },
      ],
      nodes: [
        // Room for one model per node: a second domain for "quiet" means evicting "served" from fra or lon.
        node('fra', 'hetzner', [0], { ...small, servedRps: [0.1, 0] }),
        node('lon', 'ovh', [0], { ...small, servedRps: [0.2, 0] }),
        node('chi', 'vultr', [1], small),
      ],
    };
    expect(planWarmSets(input)).toEqual([]);
    // Usage unreported: "served" keeps a replica either way, so the queueing model alone lets it go.
    const unreported = { ...input, nodes: input.nodes.map((n) => ({ ...n, servedRps: undefined })) };
    expect(planWarmSets(unreported).map((a) => `${a.kind} ${a.model}`)).toEqual([
      'unload served',
      'load quiet',
    ]);
  });

  it('unloads an idle model everywhere but its last replica, with the reason', () => {
    const input: WarmSetInput = {
      horizonMs: HOUR,
      models: [
        { id: 'big', footprintGb: 84, rps: 0 },
        { id: 'small', footprintGb: 10, rps: 0 },
      ],
      nodes: [node('a', 'x', [0]), node('b', 'y', [0]), node('c', 'z', [0])],
    };
    const actions = planWarmSets(input);
    expect(actions.map((a) => [a.kind, a.node, a.model])).toEqual([
      ['unload', 'b', 'big'],
      ['unload', 'c', 'big'],
    ]);
    expect(actions[0]!.reason).toMatch(/^idle/);
  });

  it('never loads on a node that cannot serve the model, nor past an operator limit of one resident model', () => {
    const input: WarmSetInput = {
      horizonMs: HOUR,
      models: [
        { id: 'big', footprintGb: 84, rps: 2 },
        { id: 'small', footprintGb: 10, rps: 5 },
      ],
      nodes: [
        node('a', 'x', [1], { loadMs: [undefined, 5_000], serviceMs: [undefined, 500] }),
        node('b', 'y', [1], { maxResident: 1 }),
        node('c', 'z', []),
      ],
    };
    const actions = planWarmSets(input);
    expect(actions.some((a) => a.kind === 'load' && a.node === 'a' && a.model === 'big')).toBe(false);
    const resident = (id: string, start: string[]) => {
      const set = new Set(start);
      for (const a of actions) if (a.node === id) a.kind === 'load' ? set.add(a.model) : set.delete(a.model);
      return set;
    };
    expect(resident('b', ['small']).size).toBeLessThanOrEqual(1);
    expect(actions.some((a) => a.kind === 'load' && a.model === 'big')).toBe(true);
  });

  it('a model already warm in two domains at low load gets no more replicas (gain below 1.5× cost)', () => {
    const input: WarmSetInput = {
      horizonMs: HOUR,
      models: [
        { id: 'big', footprintGb: 84, rps: 0.01 },
        { id: 'small', footprintGb: 10, rps: 0 },
      ],
      nodes: [node('a', 'x', [0]), node('b', 'y', [0]), node('c', 'z', [])],
    };
    expect(planWarmSets(input).filter((a) => a.kind === 'load')).toEqual([]);
  });

  it('in overload each replica still counts: 120 erlangs offered to 25 × 4 slots (30 req/s of 4 s) → loads all 10 free nodes (120 / 0.9 = 133 slots needed)', () => {
    // 25 warm 4-slot nodes in two domains, 10 free ones; loads take 5 s. With every request's wait
    // capped at the 5 s cold start, 100 → 104 slots left the wait at the cap and no load gained anything.
    const warm = Array.from({ length: 25 }, (_, k) =>
      node(`w${k}`, k % 2 === 0 ? 'x' : 'y', [0], { loadMs: [5_000, 5_000] }),
    );
    const free = Array.from({ length: 10 }, (_, k) => node(`f${k}`, 'z', [], { loadMs: [5_000, 5_000] }));
    const input: WarmSetInput = {
      horizonMs: 900_000,
      models: [
        { id: 'big', footprintGb: 84, rps: 30 },
        { id: 'small', footprintGb: 10, rps: 0 },
      ],
      nodes: [...warm, ...free],
    };
    const loads = planWarmSets(input).filter((a) => a.kind === 'load');
    // 120 erlangs need 120 / 0.9 = 133.3 slots: all 10 free nodes (140 slots in all).
    expect(loads.map((a) => a.node).sort()).toEqual(free.map((n) => n.id).sort());
  });

  describe('by place (demand per region, round trips per node)', () => {
    // Round trips: Tokyo and Frankfurt 10 ms from their own region, 240 ms from the other.
    const tyo = [10, 240];
    const fra = [240, 10];
    const regions = ['asia', 'europe'];
    const oneModel = { memoryGb: 24, loadMs: [5_000, 5_000], serviceMs: [500, 500] };

    /** tyo and fra-1 hold europe's model, fra-2 asia's; one model fits a node; demand all from its own region. */
    const peakMoving = (asiaRps: number, euRps: number): WarmSetInput => ({
      horizonMs: 900_000,
      regions,
      models: [
        { id: 'asia-m', footprintGb: 20, rps: asiaRps, regionRps: [asiaRps, 0] },
        { id: 'eu-m', footprintGb: 20, rps: euRps, regionRps: [0, euRps] },
      ],
      nodes: [
        node('tyo', 'x', [1], { ...oneModel, rttMs: tyo }),
        node('fra-1', 'x', [1], { ...oneModel, rttMs: fra }),
        node('fra-2', 'x', [0], { ...oneModel, rttMs: fra }),
      ],
    });

    it('puts the first replica near the demand: 0.9 req/s from asia, 0.1 from europe → tokyo (0.9×10 + 0.1×240 = 33 ms of round trip per request-second) before frankfurt (217)', () => {
      const input: WarmSetInput = {
        horizonMs: 1_000_000,
        regions,
        models: [{ id: 'm', footprintGb: 20, rps: 1, regionRps: [0.9, 0.1] }],
        nodes: [
          node('fra', 'x', [], { ...oneModel, loadMs: [5_000], serviceMs: [500], rttMs: fra }),
          node('tyo', 'x', [], { ...oneModel, loadMs: [5_000], serviceMs: [500], rttMs: tyo }),
        ],
      };
      const loads = planWarmSets(input).filter((a) => a.kind === 'load');
      expect(loads[0]!.node).toBe('tyo');
    });

    it("follows the peak: asia's model (1 req/s, all from asia) warm only in frankfurt takes tokyo from europe's model, still warm in frankfurt: 1 × 900 s × (240 − 10) ms = 207 s of round trips saved", () => {
      const input = peakMoving(1, 1);
      const actions = planWarmSets(input);
      expect(actions.map((a) => `${a.kind} ${a.node} ${a.model}`)).toEqual([
        'unload tyo eu-m',
        'load tyo asia-m',
      ]);
      // 207 s of round trips plus under 1 s of queueing at 1 req/s on 4 slots of 0.5 s.
      expect(actions[1]!.gainMs).toBeGreaterThan(207_000);
      expect(actions[1]!.gainMs).toBeLessThan(208_000);
      // Without place the same network is left alone: the queueing gain is far below the load's cost.
      const placeless: WarmSetInput = {
        ...input,
        regions: undefined,
        nodes: input.nodes.map((n) => ({ ...n, rttMs: undefined })),
      };
      expect(planWarmSets(placeless)).toEqual([]);
    });

    it('does not move a model away from where its demand is: the same network with 0.05 req/s from asia and 2 from europe changes nothing', () => {
      const input = peakMoving(0.05, 2);
      expect(planWarmSets(input).filter((a) => a.kind === 'load')).toEqual([]);
    });

    /** 3 req/s of g from 'sa' and a trickle of q from asia, on two 2-s-per-request nodes holding g and q. */
    const saDemand = (gNode: WarmSetNode, qNode: WarmSetNode): WarmSetInput => ({
      horizonMs: 900_000,
      regions: ['sa', 'asia'],
      models: [
        { id: 'g', footprintGb: 20, rps: 3, regionRps: [3, 0] },
        { id: 'q', footprintGb: 20, rps: 0.01, regionRps: [0, 0.01] },
      ],
      nodes: [gNode, qNode],
    });
    const slow = { ...oneModel, serviceMs: [2_000, 2_000] };

    it("does not warm a far node for a model whose demand it would not serve: 3 req/s from 'sa' queueing on gru's 8 slots (2 s each, 6 Erlangs) would gain about 1,000 s from singapore's 4 slots, but with a 100 ms reach singapore (300 ms away) serves none of it", () => {
      const input = saDemand(
        node('gru', 'x', [0], { ...slow, slots: 8, rttMs: [10, 300] }),
        node('sin', 'x', [1], { ...slow, rttMs: [300, 10] }),
      );
      const anyReach = planWarmSets(input).filter((a) => a.kind === 'load');
      expect(anyReach.map((a) => `${a.node} ${a.model}`)).toEqual(['sin g']);
      expect(anyReach[0]!.gainMs).toBeGreaterThan(900_000);
      expect(planWarmSets({ ...input, reachMs: 100 })).toEqual([]);
    });

    it("does not evict a replica its model needs for capacity: g's 3.9 req/s from 'sa' (7.8 Erlangs) would overflow gru's 8 slots (7.2 carried at 90%) without chi's, so l (1.5 req/s from 'na', queueing on nyc) does not take chi; at 3 req/s (6 Erlangs) it does", () => {
      // Priced by reach alone, chi (150 ms from 'sa') serves none of g's demand, so evicting it looked free;
      // but with gru full the router sends g's overflow to chi, and without it g's queue grows.
      const na = [10, 150];
      const sa = [150, 10];
      const at = (id: string, warm: number[], rttMs: number[]) => node(id, id, warm, { ...slow, rttMs });
      const input = (gRps: number): WarmSetInput => ({
        horizonMs: 900_000,
        regions: ['na', 'sa'],
        reachMs: 100,
        models: [
          { id: 'g', footprintGb: 20, rps: gRps, regionRps: [0, gRps] },
          { id: 'l', footprintGb: 20, rps: 1.5, regionRps: [1.5, 0] },
        ],
        nodes: [at('gru-1', [0], sa), at('gru-2', [0], sa), at('chi', [0], na), at('nyc', [1], na)],
      });
      expect(planWarmSets(input(3.9))).toEqual([]);
      expect(planWarmSets(input(3)).map((a) => `${a.kind} ${a.node} ${a.model}`)).toEqual([
        'unload chi g',
        'load chi l',
      ]);
    });

    it("counts a far node's slots for demand with no replica near it: the same 3 req/s from 'sa' with g warm only on sin-1 (300 ms away too) → sin-2 takes g, about 1,000 s of queueing saved, at a 100 ms reach too", () => {
      const input = {
        ...saDemand(
          node('sin-1', 'x', [0], { ...slow, slots: 8, rttMs: [300, 10] }),
          node('sin-2', 'x', [1], { ...slow, rttMs: [300, 10] }),
        ),
        reachMs: 100,
      };
      const loads = planWarmSets(input).filter((a) => a.kind === 'load');
      expect(loads.map((a) => `${a.node} ${a.model}`)).toEqual(['sin-2 g']);
      expect(loads[0]!.gainMs).toBeGreaterThan(900_000);
    });
  });
});
