import { describe, expect, it } from 'vitest';
import { averageRunLength } from './cusum.js';
import { DEFAULT_TESTS } from './ledger.js';
import {
  DEFAULT_SPEED_CHECK,
  type DecodeObservation,
  decodeBeganMs,
  decodeRatio,
  SlowSpells,
} from './speed.js';

/** An answer of `tokens` tokens decoded at `msPerToken` where the declared hardware claims 10 ms. */
function answer(tokens: number, msPerToken: number): DecodeObservation {
  return {
    outputTokens: tokens,
    firstByteMs: 100,
    doneMs: 100 + (tokens - 1) * msPerToken,
    expected: { decodeMsPerToken: 10 },
  };
}

const MIN = 60_000;

describe('decodeRatio', () => {
  it('is 8 for 80 ms per token after the first where the catalog says 10 ms', () => {
    expect(decodeRatio(answer(101, 80))).toBeCloseTo(8, 12);
  });

  it('is 0.5 for a node twice as fast as its catalog', () => {
    expect(decodeRatio(answer(11, 5))).toBeCloseTo(0.5, 12);
  });

  it('says nothing of an answer of one token, or without a catalog figure', () => {
    expect(decodeRatio(answer(1, 80))).toBeUndefined();
    expect(
      decodeRatio({ ...answer(10, 80), expected: { ...answer(10, 80).expected, decodeMsPerToken: 0 } }),
    ).toBe(undefined);
  });
});

describe('SlowSpells (4× slower than claimed for 5 minutes)', () => {
  it('holds an answer 3.9× slower than claimed, every time', () => {
    const s = new SlowSpells();
    for (let k = 0; k < 20; k++) expect(s.check('n', 3.9, k * MIN)).toBe(true);
  });

  it('gives no verdict on 4.1× slower answers during the first 5 minutes of a spell, then contradicts', () => {
    const s = new SlowSpells();
    expect(s.check('n', 4.1, 0)).toBeUndefined();
    expect(s.check('n', 8, 4 * MIN)).toBeUndefined();
    expect(s.check('n', 8, 5 * MIN - 1)).toBeUndefined();
    expect(s.check('n', 8, 5 * MIN)).toBe(false);
    expect(s.check('n', 8, 6 * MIN)).toBe(false);
  });

  it('never contradicts a straggler whose 6× episodes of 4 minutes are separated by one answer at speed', () => {
    const s = new SlowSpells();
    for (let episode = 0; episode < 10; episode++) {
      const t0 = episode * 5 * MIN;
      for (let k = 0; k < 5; k++) expect(s.check('n', 6, t0 + k * MIN)).toBeUndefined();
      expect(s.check('n', 1.2, t0 + 4.5 * MIN)).toBe(true);
    }
  });

  it('judges a long answer at its first byte: begun 2 minutes into a spell, arriving at 6, it gives no verdict (an episode ends, its answers arrive later)', () => {
    const s = new SlowSpells();
    expect(s.check('n', 6, 0)).toBeUndefined();
    const answer = {
      outputTokens: 1001,
      firstByteMs: 100,
      doneMs: 100 + 4 * MIN,
      expected: { decodeMsPerToken: 40 },
    };
    expect(decodeRatio(answer)).toBe(6);
    expect(decodeBeganMs(answer, 6 * MIN)).toBe(2 * MIN);
    expect(s.check('n', decodeRatio(answer)!, decodeBeganMs(answer, 6 * MIN))).toBeUndefined();
    expect(s.check('n', 1.5, 6 * MIN + 1)).toBe(true);
  });

  it('keeps one spell per node', () => {
    const s = new SlowSpells();
    s.check('a', 9, 0);
    expect(s.spellSince('a')).toBe(0);
    expect(s.spellSince('b')).toBeUndefined();
    expect(s.check('b', 9, 5 * MIN)).toBeUndefined();
    expect(s.check('a', 9, 5 * MIN)).toBe(false);
  });

  it('states its defaults: limit 4, 300,000 ms', () => {
    expect(DEFAULT_SPEED_CHECK).toEqual({ limit: 4, persistMs: 300_000 });
  });
});

describe('the speed test (p0 0.01, p1 0.5, h 4.5)', () => {
  it('alarms at the 2nd contradiction of a liar (2 checks), after 2,137 checks at p0 = 1%, 32,500 at 0.25%', () => {
    const spec = DEFAULT_TESTS.speed;
    expect(spec).toEqual({ p0: 0.01, p1: 0.5, h: 4.5 });
    expect(averageRunLength(spec, 1)).toBeCloseTo(2, 6);
    expect(averageRunLength(spec, 0.5)).toBeLessThan(5);
    expect(averageRunLength(spec, 0.01)).toBeGreaterThan(2000);
    expect(averageRunLength(spec, 0.0025)).toBeGreaterThan(30_000);
  });
});
