import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../network/state.js';
import type { SimNetwork } from './network.js';
import type { SimOutcome, SimWorld } from './router-port.js';
import { REMEASURE_MS, SpeedWatch } from './speed-watch.js';

/** One node, `slowness(tMs)` times slower than declared; the verdicts the watch records, with their time. */
function watch(slowness: (tMs: number) => number) {
  const net = { topology: { ids: ['n'] } } as unknown as SimNetwork;
  const world = { benchmark: (_node: number, tMs: number) => slowness(tMs) } as unknown as SimWorld;
  const view = { dyn: { healthy: Uint8Array.of(1), quarantined: Uint8Array.of(0) } } as unknown as Snapshot;
  const verdicts: Array<[number, boolean]> = [];
  const w = new SpeedWatch(net, world, (_i, held, nowMs) => verdicts.push([nowMs, held]));
  const answer = (tMs: number): SimOutcome => ({
    node: 0,
    outputTokens: 11,
    firstByteMs: 0,
    doneMs: 10 * 10 * slowness(tMs),
    expected: { rttMs: 0, queueMs: 0, prefillMs: 0, decodeMsPerToken: 10 },
    clientMetro: 0,
    rttMs: 0,
  });
  /** Sweeps every second from `fromMs` to `toMs`. */
  const run = (fromMs: number, toMs: number) => {
    for (let t = fromMs; t <= toMs; t += 1000) w.sweep(t, view);
  };
  return { w, view, verdicts, answer, run };
}

const MIN = 60_000;

describe('SpeedWatch', () => {
  it('re-measures an 8× slow node every 15 s after its slow answer and contradicts it at 5:00, 5:15 and 5:30', () => {
    const { w, view, verdicts, answer, run } = watch(() => 8);
    expect(REMEASURE_MS).toBe(15_000);
    w.answer(answer(0), 0, view);
    run(1000, 5.5 * MIN);
    expect(verdicts).toEqual([
      [5 * MIN, false],
      [5 * MIN + 15_000, false],
      [5 * MIN + 30_000, false],
    ]);
  });

  it('finds a straggler back to speed at the first re-measurement after its 4-minute episode: one held check, then silence', () => {
    const { w, view, verdicts, answer, run } = watch((t) => (t < 4 * MIN ? 6 : 1.2));
    w.answer(answer(0), 0, view);
    run(1000, 20 * MIN);
    expect(verdicts).toEqual([[4 * MIN, true]]);
  });

  it('takes an answer at its first byte: a 6× answer of 1,000 tokens begun at 2:00 in an episode and arriving at 6:00 gives no verdict on a spell begun at 0:00', () => {
    const { w, view, verdicts, answer } = watch(() => 6);
    w.answer(answer(0), 0, view);
    const long: SimOutcome = {
      ...answer(0),
      outputTokens: 1001,
      firstByteMs: 0,
      doneMs: 4 * MIN,
      expected: { ...answer(0).expected, decodeMsPerToken: 40 },
    };
    w.answer(long, 6 * MIN, view); // 240,000 ms over 1,000 tokens at 40 ms claimed: 6×, decoded from 2:00
    expect(verdicts).toEqual([]);
  });

  it('does not re-measure a node whose answers are at speed', () => {
    const { w, view, verdicts, answer, run } = watch(() => 3.9);
    w.answer(answer(0), 0, view);
    run(1000, 10 * MIN);
    expect(verdicts).toEqual([[0, true]]);
  });
});
