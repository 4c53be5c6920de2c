import { describe, expect, it } from 'vitest';
import { checkClaimedLocation } from './location.js';

const FRANKFURT = { lat: 50.11, lon: 8.68 };
const SYDNEY = { lat: -33.87, lon: 151.21 };
const AMSTERDAM = { lat: 52.37, lon: 4.9 };

describe('checkClaimedLocation', () => {
  it('a node claiming Sydney that answers Frankfurt in 9 ms is refuted (the fibre floor is ≈ 162 ms)', () => {
    const c = checkClaimedLocation(SYDNEY, [{ from: FRANKFURT, rttMs: 9 }]);
    expect(c.consistent).toBe(false);
    expect(c.violations[0]!.floorMs).toBeGreaterThan(160);
  });

  it('a node claiming Amsterdam that answers Frankfurt in 9 ms fits (floor ≈ 3.6 ms)', () => {
    expect(checkClaimedLocation(AMSTERDAM, [{ from: FRANKFURT, rttMs: 9 }]).consistent).toBe(true);
  });

  it('a slow path never refutes: Sydney answering Frankfurt in 400 ms fits', () => {
    expect(checkClaimedLocation(SYDNEY, [{ from: FRANKFURT, rttMs: 400 }]).consistent).toBe(true);
  });

  it('no samples and non-positive samples refute nothing', () => {
    expect(checkClaimedLocation(SYDNEY, []).consistent).toBe(true);
    expect(checkClaimedLocation(SYDNEY, [{ from: FRANKFURT, rttMs: 0 }]).consistent).toBe(true);
  });
});
