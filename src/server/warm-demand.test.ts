import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory-store.js';
import type { DemandBucketRecord } from '../store/registry-store.js';
import { forecastModelDemand, ModelDemandWindow, placeKey, splitByPlace } from './warm-demand.js';

const row = (place: string, model: string, startMs: number, requests: number): DemandBucketRecord => ({
  place,
  model,
  bucketMs: 1000,
  startMs,
  requests,
  tokens: requests * 100,
  unmet: 0,
});

describe('ModelDemandWindow: demand per model in 2 s buckets from 1 s store buckets', () => {
  it('sums places, pads empty buckets with 0, leaves out the bucket in progress, and rereads only from the last complete bucket', async () => {
    const store = new MemoryStore();
    const reads: number[] = [];
    const list = store.listDemand.bind(store);
    store.listDemand = (bucketMs, sinceMs) => {
      reads.push(sinceMs);
      return list(bucketMs, sinceMs);
    };
    await store.addDemand([
      row('tokyo', 'a', 10_000, 3),
      row('frankfurt', 'a', 11_000, 1),
      row('tokyo', 'a', 14_000, 2),
      row('tokyo', 'b', 15_000, 1),
      row('tokyo', 'a', 16_000, 9), // in the bucket still in progress at 16.5 s
    ]);
    const w = new ModelDemandWindow(store, 1000, 2000, 60_000);
    await w.refresh(16_500);
    const first = w.series(16_500);
    expect([...first.get('a')!.requests]).toEqual([4, 0, 2]);
    expect([...first.get('b')!.requests]).toEqual([0, 0, 1]);
    expect(first.get('a')!.tokensPerRequest).toBe(100);
    // A late count for the 14 s bucket, and the 16 s bucket completes.
    await store.addDemand([row('tokyo', 'a', 15_000, 5), row('tokyo', 'a', 17_000, 1)]);
    await w.refresh(18_500);
    expect([...w.series(18_500).get('a')!.requests]).toEqual([4, 0, 7, 10]);
    // First read: the whole history (16.5 s − 60 s, down to a bucket); then from the last complete bucket.
    expect(reads).toEqual([-44_000, 14_000]);
  });

  it('is empty before any demand, and drops buckets older than the history (10 s)', async () => {
    const store = new MemoryStore();
    const w = new ModelDemandWindow(store, 1000, 2000, 10_000);
    await w.refresh(5000);
    expect(w.series(5000).size).toBe(0);
    await store.addDemand([row('tokyo', 'a', 0, 1), row('tokyo', 'a', 20_000, 2)]);
    await w.refresh(24_000);
    expect([...w.series(24_000).get('a')!.requests]).toEqual([2, 0]);
  });
});

describe('ModelDemandWindow: demand per place and model', () => {
  it('keeps each place apart over the same buckets as the model series (tokyo a: 3, 0, 2; frankfurt a: 1, 0, 0)', async () => {
    const store = new MemoryStore();
    await store.addDemand([
      row('tokyo', 'a', 10_000, 3),
      row('frankfurt', 'a', 11_000, 1),
      row('tokyo', 'a', 14_000, 2),
      row('tokyo', 'b', 15_000, 1),
    ]);
    const w = new ModelDemandWindow(store, 1000, 2000, 60_000);
    await w.refresh(16_500);
    const byPlace = w.placeSeries(16_500);
    expect([...byPlace.keys()].sort()).toEqual([
      placeKey('frankfurt', 'a'),
      placeKey('tokyo', 'a'),
      placeKey('tokyo', 'b'),
    ]);
    expect([...byPlace.get(placeKey('tokyo', 'a'))!.requests]).toEqual([3, 0, 2]);
    expect([...byPlace.get(placeKey('frankfurt', 'a'))!.requests]).toEqual([1, 0, 0]);
    expect([...w.series(16_500).get('a')!.requests]).toEqual([4, 0, 2]);
  });
});

describe('splitByPlace', () => {
  it('splits 6 req/s of a over tokyo (3) and frankfurt (1) forecasts as 4.5 and 1.5; leaves out places at 0 and models without a total', () => {
    const d = (rps: number) => ({ rps, tokensPerRequest: 1 });
    const parts = splitByPlace(
      new Map([['a', d(6)]]),
      new Map([
        [placeKey('tokyo', 'a'), d(3)],
        [placeKey('frankfurt', 'a'), d(1)],
        [placeKey('paris', 'a'), d(0)],
        [placeKey('tokyo', 'b'), d(2)],
      ]),
    );
    expect([...parts.keys()]).toEqual(['a']);
    expect(Object.fromEntries(parts.get('a')!)).toEqual({ tokyo: 4.5, frankfurt: 1.5 });
  });

  it('leaves out a model no place has a positive forecast for', () => {
    expect(splitByPlace(new Map([['a', { rps: 2, tokensPerRequest: 1 }]]), new Map()).size).toBe(0);
  });
});

describe('forecastModelDemand', () => {
  it('forecasts a flat 10 requests per 2 s bucket as 5 req/s (no spread, upper bound = mean)', () => {
    const flat = new Float64Array(20).fill(10);
    const f = forecastModelDemand(
      new Map([['a', { requests: flat, tokensPerRequest: 300 }]]),
      2000,
      20_000,
      0.8,
    );
    expect(f.get('a')!.rps).toBeCloseTo(5, 6);
    expect(f.get('a')!.tokensPerRequest).toBe(300);
  });

  it('plans above the point forecast for a noisy series (the upper end of the 80% interval)', () => {
    const noisy = Float64Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? 6 : 14));
    const rps = forecastModelDemand(
      new Map([['a', { requests: noisy, tokensPerRequest: 1 }]]),
      1000,
      5000,
      0.8,
    ).get('a')!.rps;
    expect(rps).toBeGreaterThan(10);
  });

  it('gives nothing for no series', () => {
    expect(forecastModelDemand(new Map(), 1000, 5000, 0.8).size).toBe(0);
  });
});
