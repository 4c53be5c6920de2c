import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  backtest,
  bucketCounts,
  holtWintersForecaster,
  seasonalNaiveForecaster,
} from '../src/demand/backtest.js';
import { parseTraceCsv } from '../src/sim/workload/trace-csv.js';
import { sharedFile } from './support/shared-data.js';

const file = sharedFile('traces/azure-llm-2023-conv.csv');

/**
 * Held-out evaluation on the Azure conversation trace (19,366 requests over one hour): requests per
 * 10-second bucket (the last, partial bucket dropped), rolling origins over the last 30% of the hour.
 * The hour has no daily cycle, so the seasonal-naive baseline here is the last value.
 */
describe.skipIf(file === undefined)('demand forecast on the Azure conversation trace', () => {
  const trace = parseTraceCsv(readFileSync(file!, 'utf8'), file!);
  const y = bucketCounts(trace.offsetsMs, 10_000).slice(0, -1);
  const tail = Math.floor(y.length * 0.3);

  it.each([1, 6])(
    'Holt-Winters beats the naive forecast %s bucket(s) (× 10 s) ahead on held-out buckets',
    (h) => {
      const hw = backtest(y, holtWintersForecaster(1), tail, h);
      const naive = backtest(y, seasonalNaiveForecaster(1), tail, h);
      console.log(
        `Azure conv, ${h} × 10 s ahead, ${hw.origins} origins: WAPE Holt-Winters ${hw.wape.toFixed(3)} (80% interval coverage ${hw.coverage80.toFixed(2)}), naive ${naive.wape.toFixed(3)}`,
      );
      expect(hw.origins).toBeGreaterThan(90);
      expect(hw.wape).toBeLessThan(naive.wape);
      expect(hw.coverage80).toBeGreaterThan(0.7);
    },
  );
});
