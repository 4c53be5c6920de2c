import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { evaluateRttPredictors, splitPairs, trainVivaldi } from './rtt-evaluate.js';
import type { MeasuredPair, RttMatrix } from './rtt-matrix.js';

/** 12 cities on the equator, 5° apart; measured RTT = 1.5 ms per degree + 3 ms. */
function equatorMatrix(): RttMatrix {
  const n = 12;
  const coords = Array.from({ length: n }, (_, i) => ({ lat: 0, lon: 5 * i }));
  const rtt = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) rtt[i * n + j] = i === j ? 0 : 7.5 * Math.abs(i - j) + 3;
  return { names: coords.map((_, i) => `c${i}`), coords, rtt };
}

describe('splitPairs', () => {
  const pairs: MeasuredPair[] = Array.from({ length: 10 }, (_, k) => ({ i: 0, j: k + 1, ms: k + 1 }));

  it('puts round(share × pairs) pairs in training and the rest in test, without overlap', () => {
    const { train, test } = splitPairs(pairs, 0.3, new Rng(1));
    expect(train.length).toBe(3);
    expect(test.length).toBe(7);
    expect(new Set([...train, ...test].map((p) => p.j)).size).toBe(10);
  });

  it('is the same split for the same seed', () => {
    expect(splitPairs(pairs, 0.5, new Rng(4))).toEqual(splitPairs(pairs, 0.5, new Rng(4)));
  });
});

describe('trainVivaldi', () => {
  it('takes one sample per host with a partner per round', () => {
    const train: MeasuredPair[] = [{ i: 0, j: 1, ms: 10 }];
    const { model, samples } = trainVivaldi(3, train, 20, new Rng(1));
    expect(samples).toBe(40);
    expect(model.predict(0, 1)).toBeCloseTo(10, 0);
  });
});

describe('evaluateRttPredictors', () => {
  it('learns a line of cities to within 5% median error from 60% of the pairs', () => {
    const report = evaluateRttPredictors(equatorMatrix(), { train: 0.6, seed: 2, rounds: 1000 });
    expect(report.pairs_train + report.pairs_test).toBe(66);
    expect(report.pairs_train).toBe(40);
    expect(report.vivaldi.median_rel_err).toBeLessThan(0.05);
    expect(report.distance.median_rel_err).toBeGreaterThan(0);
  });

  it('reports NaN errors when there is nothing to test', () => {
    const one: RttMatrix = { names: ['a'], coords: [{ lat: 0, lon: 0 }], rtt: new Float64Array([0]) };
    const report = evaluateRttPredictors(one);
    expect(report.pairs_test).toBe(0);
    expect(report.vivaldi.median_rel_err).toBeNaN();
  });
});
