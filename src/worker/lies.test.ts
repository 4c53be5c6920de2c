import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../geo/distance.js';
import { antipode, farPlace, isLie } from './lies.js';

describe('worker lies', () => {
  it('the antipode of (50.1, 8.7) is (−50.1, −171.3), 20,015 km away (half the circumference)', () => {
    const a = antipode({ lat: 50.1, lon: 8.7 });
    expect(a.lat).toBeCloseTo(-50.1, 9);
    expect(a.lon).toBeCloseTo(-171.3, 9);
    expect(greatCircleKm({ lat: 50.1, lon: 8.7 }, a)).toBeCloseTo(20_015, -2);
  });

  it.each([
    ['frankfurt', { lat: 50.11, lon: 8.68, metro: 'frankfurt' }],
    ['ashburn', { lat: 39.04, lon: -77.49, metro: 'ashburn' }],
    ['sydney', { lat: -33.87, lon: 151.21, metro: 'sydney' }],
  ])('a location liar in %s claims a catalog metro more than 12,000 km away', (_name, at) => {
    const claimed = farPlace(at);
    expect(claimed.metro).not.toBe(at.metro);
    expect(greatCircleKm(at, claimed)).toBeGreaterThan(12_000);
  });

  it('knows the four lies and nothing else', () => {
    expect(['warm', 'queue', 'location', 'output'].every(isLie)).toBe(true);
    expect(isLie('speed')).toBe(false);
  });
});
