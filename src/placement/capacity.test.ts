import { describe, expect, it } from 'vitest';
import { replicaCapacityRps } from './capacity.js';
import { compileInstance } from './instance.js';
import { DEFAULT_PLACEMENT_OPTIONS, type PlacementInput } from './types.js';

describe('replicaCapacityRps', () => {
  it('is 0.5 rps for one slot at 1,000 ms (M/M/1 mean wait a/(1−a) = one service time at a = 0.5)', () => {
    expect(replicaCapacityRps(1, 1000)).toBeCloseTo(0.5, 9);
  });

  it('grows faster than the slots: 8 slots at 1,000 ms take more than 8 × 0.5 rps', () => {
    const c8 = replicaCapacityRps(8, 1000);
    expect(c8).toBeGreaterThan(4);
    expect(c8).toBeLessThan(8);
  });
});

describe('capacity in the compiled instance', () => {
  function input(peakRps: number | undefined, slots = 1, ms = 1000): PlacementInput {
    const rtt = (a: string, b: string) => (a === b ? 5 : 20);
    return {
      sites: [
        {
          id: 's',
          metro: 'A',
          labels: { provider: 'p' },
          accelerator: 'h100',
          count: 1,
          slots,
          memoryGb: 80,
          costUsdMonth: 1,
        },
      ],
      slots: [],
      existing: [],
      demand: [
        { metro: 'A', region: 'r', weight: 3 },
        { metro: 'D', region: 'r', weight: 1 },
      ],
      models: [
        {
          id: 'm',
          weightsGb: 8,
          footprintGb: 10,
          popularity: 1,
          accelerators: ['h100'],
          serviceMs: { h100: { ms } },
        },
      ],
      rtt,
      options: { ...DEFAULT_PLACEMENT_OPTIONS, add: 1, caps: {} },
      ...(peakRps === undefined ? {} : { peakRps }),
    };
  }
  const reached = (peakRps: number | undefined, slots = 1, ms = 1000) => {
    const inst = compileInstance(input(peakRps, slots, ms));
    return [...inst.siteModels[0]![0]!.reach].map((j) => inst.demand[inst.pairs.demand[j]!]!.metro);
  };

  it('credits a 0.5 rps replica with the nearer pair only when peak demand is 0.6 rps (A 0.45 + D 0.15 > 0.5)', () => {
    expect(reached(0.6)).toEqual(['A']);
  });

  it('credits both pairs at 0.4 rps peak (0.3 + 0.1 ≤ 0.5) and without a peak rate', () => {
    expect(reached(0.4)).toEqual(['A', 'D']);
    expect(reached(undefined)).toEqual(['A', 'D']);
  });

  it('credits both pairs at 0.6 rps peak with 2 slots (M/M/2: wait ≤ one service time up to a = √2, 1.41 rps)', () => {
    expect(replicaCapacityRps(2, 1000)).toBeCloseTo(Math.SQRT2, 6);
    expect(reached(0.6, 2)).toEqual(['A', 'D']);
  });

  it('credits both pairs at 0.6 rps peak when the node is twice as fast (1 slot at 500 ms takes 1 rps)', () => {
    expect(reached(0.6, 1, 500)).toEqual(['A', 'D']);
  });
});
