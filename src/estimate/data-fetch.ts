import { transferMs } from './cold-start.js';

/**
 * Time (ms) to bring a request's data next to the computation: one round trip to the data node plus
 * moving `gb` (the dataset, or its query when that is smaller) at `GBps`. 0 when the data is local.
 */
export function dataFetchMs(local: boolean, rttMs: number, gb: number, GBps: number): number {
  return local ? 0 : rttMs + transferMs(gb, GBps);
}
