import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../geo/distance.js';
import { buildWorkerApp } from './app.js';
import { antipode, emulatedProfile, farPlace, isLie, lieGate, SPEED_LIE_FACTOR } from './lies.js';
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

  it('knows the six lies and nothing else', () => {
    expect(['warm', 'queue', 'location', 'output', 'data', 'speed'].every(isLie)).toBe(true);
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

  it.each([
    [1, 'TTTTTTTTTT'],
    [0.5, 'FTFTFTFTFT'],
    [0.3, 'FFFTFFTFFT'],
    [0, 'FFFFFFFFFF'],
  ])('at rate %f the first ten answers lie as %s (exactly ⌊10 × rate⌋ of them)', (rate, pattern) => {
    const gate = lieGate(rate);
    expect(Array.from({ length: 10 }, () => (gate() ? 'T' : 'F')).join('')).toBe(pattern);
  });

  it('an output liar at rate 0.5 returns wrong text on every second answer and the honest text on the others', async () => {
    const profile = parseProfile(
      { tokensPerSec: 0, prefillTokensPerSec: 0, models: [{ id: 'llama-3.1-8b-instruct' }] },
      'profile',
    );
    const honest = buildWorkerApp(profile);
    const liar = buildWorkerApp(profile, Date.now, { lie: 'output', lieRate: 0.5 });
    const answer = async (w: typeof honest) => {
      const res = await w.app.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        payload: {
          model: 'llama-3.1-8b-instruct',
          messages: [{ role: 'user', content: 'hi' }],
          max_tokens: 3,
        },
      });
      return (res.json() as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
    };
    const truth = await answer(honest);
    const told = [];
    for (let k = 0; k < 4; k++) told.push((await answer(liar)) === truth);
    expect(told).toEqual([true, false, true, false]);
  });
});
