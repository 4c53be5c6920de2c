import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.js';

describe('TokenBuckets', () => {
  it('lets a burst of 5 through, refuses the 6th for 500 ms at 2 per second, then lets one more', () => {
    let t = 0;
    const b = new TokenBuckets({ perSecond: 2, burst: 5 }, () => t);
    for (let k = 0; k < 5; k++) expect(b.take('ip')).toBe(0);
    expect(b.take('ip')).toBe(500);
    t = 499;
    expect(b.take('ip')).toBe(2);
    t = 500;
    expect(b.take('ip')).toBe(0);
    expect(b.take('ip')).toBe(500);
  });

  it('keeps keys apart and never refills above the burst of 3', () => {
    let t = 0;
    const b = new TokenBuckets({ perSecond: 1, burst: 3 }, () => t);
    for (let k = 0; k < 3; k++) b.take('a');
    expect(b.take('b')).toBe(0);
    t = 1_000_000;
    for (let k = 0; k < 3; k++) expect(b.take('a')).toBe(0);
    expect(b.take('a')).toBe(1000);
  });

  it('check reports the wait without taking a token', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, () => 0);
    expect(b.check('x')).toBe(0);
    expect(b.check('x')).toBe(0);
    expect(b.take('x')).toBe(0);
    expect(b.check('x')).toBe(1000);
  });

  it('holds at most 100 keys, forgetting the least recently used first', () => {
    const b = new TokenBuckets({ perSecond: 0, burst: 1, maxKeys: 100 }, () => 0);
    b.take('old');
    for (let k = 0; k < 99; k++) b.take(`k${k}`);
    b.take('old'); // used again: now the most recent (and empty)
    b.take('new');
    expect(b.size).toBeLessThanOrEqual(100);
    expect(b.take('old')).toBe(Number.POSITIVE_INFINITY);
    expect(b.take('k0')).toBe(0); // forgotten, so full again
  });
});
