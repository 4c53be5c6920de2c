import { describe, expect, it } from 'vitest';
import { RefusalBoard } from './refusals.js';

const opts = { exclude: 3, readmit: 1, halfLifeMs: 1000 };

describe('RefusalBoard', () => {
  it('excludes a (node, model) pair at its 3rd refusal in quick succession, and only that pair', () => {
    const b = new RefusalBoard(opts);
    b.refuse('a', 'm', 0);
    b.refuse('a', 'm', 10);
    expect(b.excluded('a', 'm', 10)).toBe(false);
    b.refuse('a', 'm', 20);
    expect(b.excluded('a', 'm', 20)).toBe(true);
    expect(b.excluded('a', 'other', 20)).toBe(false);
    expect(b.excluded('b', 'm', 20)).toBe(false);
  });

  it('does not exclude 3 refusals spread over 2 half-lives (score 1/4 + 1/2 + 1 = 1.75)', () => {
    const b = new RefusalBoard(opts);
    b.refuse('a', 'm', 0);
    b.refuse('a', 'm', 1000);
    b.refuse('a', 'm', 2000);
    expect(b.score('a', 'm', 2000)).toBeCloseTo(1.75, 9);
    expect(b.excluded('a', 'm', 2000)).toBe(false);
  });

  it('halves the score every half-life and readmits below 1: score 3 is readmitted after log2(3) half-lives', () => {
    const b = new RefusalBoard(opts);
    for (let k = 0; k < 3; k++) b.refuse('a', 'm', 0);
    expect(b.excluded('a', 'm', 1580)).toBe(true);
    expect(b.excluded('a', 'm', 1590)).toBe(false);
  });

  it('halves the score on each success and forgets faded pairs', () => {
    const b = new RefusalBoard(opts);
    b.refuse('a', 'm', 0);
    b.success('a', 'm', 0);
    expect(b.score('a', 'm', 0)).toBe(0.5);
    const seen: string[] = [];
    b.forEachExcluded(100_000, (n, m) => seen.push(`${n}/${m}`));
    expect(seen).toEqual([]);
    expect(b.score('a', 'm', 100_000)).toBe(0);
  });

  it('bumps its version when a pair is excluded and when it is readmitted', () => {
    const b = new RefusalBoard(opts);
    for (let k = 0; k < 3; k++) b.refuse('a', 'm', 0);
    expect(b.version).toBe(1);
    b.forEachExcluded(5000, () => {});
    expect(b.version).toBe(2);
  });
});
