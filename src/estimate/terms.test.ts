import { describe, expect, it } from 'vitest';
import { coldStartMs, fastestSourceGBps, memoryDrainMs, startWaitMs, transferMs } from './cold-start.js';
import { dataFetchMs } from './data-fetch.js';
import { queueWaitMs } from './queue.js';
import { networkRttMs } from './rtt.js';
import { decodeMs, prefillMs, serviceMs } from './service.js';
import { queueSpreadMs, staleness, uncertaintyMs } from './staleness.js';

describe('queueWaitMs', () => {
  it.each([
    // slots, running, queued, own, serviceMs, age, drainShare → expected
    ['no wait while a slot is free', 8, 7, 0, 0, 4000, 0, 0.5, 0],
    ['one service / slots when every slot is busy', 8, 8, 0, 0, 4000, 0, 0.5, 500],
    ['40 s behind 79 queued requests on 8 slots of 4 s', 8, 8, 79, 0, 4000, 0, 0.5, 40_000],
    ["counts this router's own unreported sends", 8, 8, 0, 3, 4000, 0, 0.5, 2000],
    // 8 s old: drained 8000 × 8 / 4000 × 0.5 = 8 of 79 queued → 71 waiting → (8+71−8+1)/8 × 4000
    ['drains the reported queue by the report age', 8, 8, 79, 0, 4000, 8000, 0.5, 36_000],
    ['never drains below zero', 8, 8, 2, 0, 4000, 1e9, 0.5, 500],
  ])('%s', (_, slots, running, queued, own, service, age, share, expected) => {
    expect(queueWaitMs(slots, running, queued, own, service, age, share)).toBeCloseTo(expected, 9);
  });
  it('is infinite for a node without slots', () => {
    expect(queueWaitMs(0, 0, 0, 0, 100, 0, 0.5)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('startWaitMs', () => {
  it.each([
    // queue, cold start, the load fits beside what is resident → expected
    ['no cold start: the queue alone', 4500, 0, true, 4500],
    [
      'a load that fits runs while the queue drains: the larger (140 s over 4.5 s)',
      4500,
      140_000,
      true,
      140_000,
    ],
    ['a short load under a long queue: the queue (4.5 s over 2 s)', 4500, 2000, true, 4500],
    ['a load that must evict waits for memory: both (4.5 s + 140.5 s)', 4500, 140_500, false, 145_000],
  ])('%s', (_, queue, cold, fits, expected) => {
    expect(startWaitMs(queue, cold, fits)).toBe(expected);
  });
});

describe('serviceMs', () => {
  it('is prefill plus decode at batch 1', () => {
    // 1,000 input tokens at 60 ms per 1k + 200 output tokens at 20 ms
    expect(serviceMs(1000, 200, 60, 20, 0.02, 1, 1)).toBe(4060);
  });
  it('slows decode by the slope per extra request in the batch', () => {
    // 200 × 20 × (1 + 0.02 × 7) = 4560, + 60 prefill
    expect(serviceMs(1000, 200, 60, 20, 0.02, 8, 1)).toBeCloseTo(4620, 9);
  });
  it('multiplies by the execution mode cost factor', () => {
    expect(serviceMs(1000, 200, 60, 20, 0.02, 1, 1.1)).toBeCloseTo(4466, 9);
  });
  it('is 0 for an empty request', () => {
    expect(serviceMs(0, 0, 60, 20, 0.02, 1, 1)).toBe(0);
  });
  it('is exactly prefillMs + decodeMs, the functions the simulator runs requests with', () => {
    // 1,500 tokens at 60 ms/1k × 1.07 = 96.3; 200 × 20 × (1 + 0.02 × 3) × 1.07 = 4,536.8
    expect(prefillMs(60, 1500, 1.07)).toBeCloseTo(96.3, 9);
    expect(decodeMs(20, 0.02, 200, 4, 1.07)).toBeCloseTo(4536.8, 9);
    expect(serviceMs(1500, 200, 60, 20, 0.02, 4, 1.07)).toBe(
      prefillMs(60, 1500, 1.07) + decodeMs(20, 0.02, 200, 4, 1.07),
    );
  });
});

describe('cold start', () => {
  it('moves nothing in 0 ms, even at 0 GB/s; 1 GB at 0 GB/s never arrives', () => {
    expect(transferMs(0, 0)).toBe(0);
    expect(transferMs(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
  it('loads 140 GB from a 1 GB/s remote store in 140 s', () => {
    expect(transferMs(140, 1)).toBe(140_000);
  });
  it('loads 6 GB from 20 GB/s host RAM in 0.3 s', () => {
    expect(transferMs(6, 20)).toBeCloseTo(300, 9);
  });
  it.each([
    ['host RAM when the weights are there', 1, 20],
    ['local disk when they are on disk', 2, 3],
    ['a peer in the metro over the remote store', 3, 2.5],
  ])('takes the fastest source: %s', (_, tier, expected) => {
    expect(fastestSourceGBps(tier, 20, 3, 1, 2.5)).toBe(expected);
  });
  it('uses the remote store without a peer', () => {
    expect(fastestSourceGBps(3, 20, 3, 1, 0)).toBe(1);
  });
  it('adds the wait for a load in progress and the eviction', () => {
    expect(coldStartMs(6, 20, 1000, 500)).toBeCloseTo(1800, 9);
  });
  it('never finishes at zero bandwidth', () => {
    expect(transferMs(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('memoryDrainMs', () => {
  it.each([
    // running, mean service (ms) → expected: the last of them ends after service × H(running)
    ['nothing running: no wait', 0, 6000, 0],
    ['one request: its mean residual, 6 s', 1, 6000, 6000],
    ['two: 6 s × (1 + 1/2) = 9 s', 2, 6000, 9000],
    ['four: 4 s × (1 + 1/2 + 1/3 + 1/4) = 8.33 s', 4, 4000, 4000 * (25 / 12)],
    ['eight: 4 s × H(8) = 4 s × 761/280 = 10.87 s', 8, 4000, 4000 * (761 / 280)],
  ])('%s', (_, running, service, expected) => {
    expect(memoryDrainMs(running, service)).toBeCloseTo(expected, 9);
  });
});

describe('dataFetchMs', () => {
  it('is a round trip plus the transfer', () => {
    expect(dataFetchMs(false, 20, 2.5, 1.25)).toBe(2020);
  });
  it('is 0 when the data is local', () => {
    expect(dataFetchMs(true, 20, 2.5, 1.25)).toBe(0);
  });
});

describe('staleness and uncertainty', () => {
  it('is 0 for a fresh report and one half at tau', () => {
    expect(staleness(0, 5000)).toBe(0);
    expect(staleness(5000, 5000)).toBe(0.5);
  });
  it('widens with age and with the RTT error', () => {
    expect(uncertaintyMs(0.5, 4000, 100, 0.2)).toBe(2020);
  });
});

describe('queueSpreadMs', () => {
  it.each([
    // queue wait, mean service, slots → spread: k = wait × slots / service slots to free, each after an
    // exponential time of service / slots: (service / slots) × √k
    ['no queue: no spread', 0, 4000, 8, 0],
    ['one slot to free on 8 slots of 4 s: 0.5 s ± 0.5 s', 500, 4000, 8, 500],
    ['nine to free (4.5 s): 0.5 s × 3 = 1.5 s', 4500, 4000, 8, 1500],
    ['one slot of 10 s, one request ahead: 10 s ± 10 s', 10_000, 10_000, 1, 10_000],
    ['no slots: no spread (the wait is infinite anyway)', 1000, 4000, 0, 0],
  ])('%s', (_, queue, service, slots, expected) => {
    expect(queueSpreadMs(queue, service, slots)).toBeCloseTo(expected, 9);
  });
});

describe('networkRttMs', () => {
  it('adds the learned offset and never goes below zero', () => {
    expect(networkRttMs(15, 2)).toBe(17);
    expect(networkRttMs(5, -10)).toBe(0);
  });
});
