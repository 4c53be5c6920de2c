import { describe, expect, it } from 'vitest';
import { backtest, bucketCounts, seasonalNaiveForecaster } from './backtest.js';

describe('backtest', () => {
  it('counts events per bucket: offsets 0, 5, 10, 25 ms in 10 ms buckets → 2, 1, 1', () => {
    expect(Array.from(bucketCounts([0, 5, 10, 25], 10))).toEqual([2, 1, 1]);
    expect(bucketCounts([], 10).length).toBe(0);
  });

  it('seasonal naive takes the value one season before the target: season 3, h = 1 after [1,2,3,4,5,6] → 4', () => {
    expect(seasonalNaiveForecaster(3)([1, 2, 3, 4, 5, 6], 1).mean).toBe(4);
    expect(seasonalNaiveForecaster(3)([1, 2, 3, 4, 5, 6], 4).mean).toBe(4);
    expect(seasonalNaiveForecaster(1)([1, 2, 3], 2).mean).toBe(3);
  });

  it('scores a naive forecast of [10, 20, 10, 20] from the last 2 origins at h = 1: |10−20| + |20−10| → MAE 10, WAPE 10/15', () => {
    const r = backtest([10, 20, 10, 20], seasonalNaiveForecaster(1), 2, 1);
    expect(r.origins).toBe(2);
    expect(r.mae).toBe(10);
    expect(r.wape).toBeCloseTo(20 / 30, 12);
    expect(r.rmse).toBe(10);
    expect(Number.isNaN(r.coverage80)).toBe(true);
  });

  it('scores errors of 0 and 4 (naive on [1, 1, 1, 5]) as MAE 2, RMSE √8 = 2.83', () => {
    const r = backtest([1, 1, 1, 5], seasonalNaiveForecaster(1), 2, 1);
    expect(r.mae).toBe(2);
    expect(r.rmse).toBeCloseTo(Math.sqrt(8), 12);
  });
});
