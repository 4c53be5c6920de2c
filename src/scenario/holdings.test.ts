import { describe, expect, it } from 'vitest';
import type { Model } from '../model/model.js';
import { Storage } from '../model/node.js';
import { Rng } from '../util/rng.js';
import { addStorageCopies, candidateOrder, fillTiers, type RankedModel, servableModels } from './holdings.js';

function model(id: string, weightsGb: number): Model {
  return {
    id,
    kind: 'llm',
    weightsGb,
    performance: { h100: { prefillMsPer1k: 1, decodeMsPerToken: 1, decodeSlope: 0 } },
    verification: [{ mode: 'vanilla', costFactor: 1, verifyMs: 0 }],
  };
}

const ranked: RankedModel[] = [
  { model: model('big', 100), weight: 0.5 },
  { model: model('mid', 30), weight: 0.3 },
  { model: model('small', 10), weight: 0.2 },
];
const storage = Storage.parse({ hostRamGb: 64, localDiskGb: 120 });
const oneH100 = { accelerator: 'h100' as const, count: 1, memoryGb: 80 };
const twoH100 = { accelerator: 'h100' as const, count: 2, memoryGb: 80 };

describe('servableModels', () => {
  it('drops models whose weights with 20% headroom exceed the accelerator memory (100 GB × 1.2 > 80 GB)', () => {
    expect(servableModels(ranked, oneH100, storage).map((r) => r.model.id)).toEqual(['mid', 'small']);
  });

  it('drops models without a profile for the accelerator', () => {
    expect(servableModels(ranked, { accelerator: 'l4', count: 8, memoryGb: 24 }, storage)).toEqual([]);
  });
});

describe('fillTiers', () => {
  it('puts the first k fitting models warm, then host RAM, then disk', () => {
    const h = fillTiers(ranked, { k: 1, hostRam: 1, localDisk: 1 }, twoH100, storage);
    expect(h).toEqual([
      { model: 'big', tier: 'gpu' }, // 120 GB of 160
      { model: 'mid', tier: 'hostRam' }, // 30 GB of 64
      { model: 'small', tier: 'localDisk' },
    ]);
  });

  it('skips a warm candidate that no longer fits and warms the next one', () => {
    // 160 GB: big takes 120, mid needs 36 (fits, 156), small needs 12 (does not fit) → disk
    const h = fillTiers(ranked, { k: 3, hostRam: 0, localDisk: 1 }, twoH100, storage);
    expect(h).toEqual([
      { model: 'big', tier: 'gpu' },
      { model: 'mid', tier: 'gpu' },
      { model: 'small', tier: 'localDisk' },
    ]);
  });

  it('holds nothing for an empty candidate list or a zero policy', () => {
    expect(fillTiers([], { k: 2, hostRam: 1, localDisk: 1 }, twoH100, storage)).toEqual([]);
    expect(fillTiers(ranked, { k: 0, hostRam: 0, localDisk: 0 }, twoH100, storage)).toEqual([]);
  });
});

describe('candidateOrder', () => {
  it('keeps popularity order for top and is a seeded permutation for weighted', () => {
    expect(candidateOrder(ranked, 'top', new Rng(1))).toEqual(ranked);
    const a = candidateOrder(ranked, 'weighted', new Rng(5)).map((r) => r.model.id);
    const b = candidateOrder(ranked, 'weighted', new Rng(5)).map((r) => r.model.id);
    expect(a).toEqual(b);
    expect([...a].sort()).toEqual(['big', 'mid', 'small']);
  });

  it('draws the most popular model first about as often as its weight (0.5) over 4,000 seeds', () => {
    let first = 0;
    for (let s = 0; s < 4000; s++)
      if (candidateOrder(ranked, 'weighted', new Rng(s))[0]!.model.id === 'big') first++;
    expect(first / 4000).toBeGreaterThan(0.46);
    expect(first / 4000).toBeLessThan(0.54);
  });
});

describe('addStorageCopies', () => {
  it('adds the most popular models not yet held, within the free disk (120 GB)', () => {
    const h = addStorageCopies([{ model: 'mid', tier: 'gpu' }], ranked, 5, storage);
    expect(h).toEqual([
      { model: 'mid', tier: 'gpu' },
      { model: 'big', tier: 'localDisk' },
      { model: 'small', tier: 'localDisk' },
    ]);
  });
});
