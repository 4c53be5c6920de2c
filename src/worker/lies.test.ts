import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../geo/distance.js';
import { antipode, emulatedProfile, farPlace, isLie, SPEED_LIE_FACTOR } from './lies.js';
import { parseProfile, resolveModels } from './profile.js';

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

  it('knows the five lies and nothing else', () => {
    expect(['warm', 'queue', 'location', 'output', 'speed'].every(isLie)).toBe(true);
    expect(isLie('price')).toBe(false);
  });

  it('a speed liar on an h100 emulates llama-3.1-8b at 125 / 8 = 15.6 tokens/s, an honest one at the catalog’s 125', () => {
    const profile = parseProfile(
      {
        models: [{ id: 'llama-3.1-8b-instruct' }],
        node: { hardware: { accelerator: 'h100', count: 1, memoryGb: 80 } },
      },
      'test',
    );
    // The catalog: 1.37 ms per token stated for 8 devices; one device takes 8 × 0.9³ = 5.832 times as long.
    const catalog = 1000 / (1.37 * 5.832);
    expect(resolveModels(emulatedProfile(profile, undefined))[0]!.tokensPerSec).toBeCloseTo(catalog, 6);
    expect(resolveModels(emulatedProfile(profile, 'output'))[0]!.tokensPerSec).toBeCloseTo(catalog, 6);
    const lying = resolveModels(emulatedProfile(profile, 'speed'))[0]!;
    expect(SPEED_LIE_FACTOR).toBe(8);
    expect(lying.tokensPerSec).toBeCloseTo(catalog / 8, 6);
  });
});
