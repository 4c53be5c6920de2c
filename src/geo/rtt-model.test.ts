import { describe, expect, it } from 'vitest';
import { geoCoordinates } from './coordinates.js';
import { RTT_MODEL, rttMs } from './rtt-model.js';

// Expected values by hand: one degree of the equator is 6371.0088 · π / 180 = 111.19508 km; a quarter of
// it is 6371.0088 · π / 2 = 10007.5572 km.
describe('rttMs', () => {
  it('one degree along the equator: 2 × 111.19508 km / 204 km/ms × 1.8834 + 8.755 ms = 10.8082 ms', () => {
    expect(rttMs({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(10.808184, 5);
  });

  it('a quarter of the equator with inflation 2, access 5 ms, 200 km/ms: 205.1511 ms', () => {
    const model = { inflation: 2, accessMs: 5, fibreKmPerMs: 200 };
    expect(rttMs({ lat: 0, lon: 0 }, { lat: 0, lon: 90 }, model)).toBeCloseTo(205.151144, 5);
  });

  it('is the access latency alone for identical points, and symmetric', () => {
    const p = { lat: 50.11, lon: 8.68 };
    const q = { lat: 40.71, lon: -74.01 };
    expect(rttMs(p, p)).toBe(RTT_MODEL.accessMs);
    expect(rttMs(p, q)).toBe(rttMs(q, p));
  });

  it('records how its parameters were obtained', () => {
    expect(RTT_MODEL.fibreKmPerMs).toBe(204);
    expect(RTT_MODEL.provenance).toMatch(/WonderProxy/);
  });
});

describe('geoCoordinates', () => {
  it('predicts the distance model between points and 0 from a point to itself', () => {
    const points = [
      { lat: 0, lon: 0 },
      { lat: 0, lon: 1 },
    ];
    const geo = geoCoordinates(points);
    expect(geo.size).toBe(2);
    expect(geo.predictMs(0, 1)).toBeCloseTo(10.808184, 5);
    expect(geo.predictMs(1, 1)).toBe(0);
  });
});
