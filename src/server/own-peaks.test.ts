import { describe, expect, it } from 'vitest';
import { OwnPeaks } from './own-peaks.js';

describe('OwnPeaks', () => {
  it('is the current count for a node never sent to (0 and 3)', () => {
    const p = new OwnPeaks();
    expect(p.of('n', 0)).toBe(0);
    expect(p.of('n', 3)).toBe(3);
  });

  it('keeps a peak of 5 through one heartbeat and drops it at the second (counts 5, then 1 outstanding)', () => {
    const p = new OwnPeaks();
    for (let k = 1; k <= 5; k++) p.sent('n', k);
    expect(p.of('n', 1)).toBe(5);
    p.reported('n', 1);
    expect(p.of('n', 1)).toBe(5);
    p.reported('n', 1);
    expect(p.of('n', 1)).toBe(1);
  });

  it('forgets a removed node and keeps nodes apart', () => {
    const p = new OwnPeaks();
    p.sent('a', 4);
    p.sent('b', 2);
    p.forget('a');
    expect(p.of('a', 0)).toBe(0);
    expect(p.of('b', 0)).toBe(2);
  });
});
