import { describe, expect, it } from 'vitest';
import { Node } from '../model/node.js';
import type { ClientMetro } from './input.js';
import { pairJitter, TruthRtt } from './truth-rtt.js';

describe('pairJitter', () => {
  it('is the same for a pair in either order and for the same seed, with a log standard deviation near σ', () => {
    expect(pairJitter(1, 'a', 'b', 0.1)).toBe(pairJitter(1, 'b', 'a', 0.1));
    expect(pairJitter(1, 'a', 'b', 0.1)).not.toBe(pairJitter(2, 'a', 'b', 0.1));
    expect(pairJitter(1, 'a', 'b', 0)).toBe(1);
    const logs = Array.from({ length: 20_000 }, (_, i) => Math.log(pairJitter(3, `x${i}`, 'y', 0.1)));
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / logs.length);
    expect(Math.abs(mean)).toBeLessThan(0.003);
    expect(sd).toBeGreaterThan(0.097);
    expect(sd).toBeLessThan(0.103);
  });
});

describe('TruthRtt with a measured matrix', () => {
  const metro: ClientMetro = {
    id: 'frankfurt',
    lat: 50.11,
    lon: 8.68,
    region: 'europe',
    utcOffsetHours: 1,
    weight: 1,
  };
  const node = (id: string, lat: number, lon: number) =>
    Node.parse({
      id,
      roles: ['inference'],
      location: { lat, lon, metro: id },
      labels: { provider: 'p', asn: '1', datacenter: 'd', operator: 'o', country: 'DE' },
      hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    });
  const matrix = {
    names: ['Frankfurt', 'Tokyo'],
    coords: [
      { lat: 50.11, lon: 8.68 },
      { lat: 35.68, lon: 139.69 },
    ],
    rtt: Float64Array.from([0, 230, 230, 0]),
  };

  it('uses the measured RTT between the nearest matrix cities when the points sit on them', () => {
    const t = new TruthRtt([metro], [node('tokyo', 35.68, 139.69)], 1, 0.1, matrix);
    expect(t.client(0, 0)).toBeCloseTo(230, 9);
  });

  it('adds the geo-model cost of the detour from a point to its matrix city', () => {
    // 1° of latitude ≈ 111.2 km: 2 × 111.2 / 204 × 1.8834 ≈ 2.05 ms more
    const t = new TruthRtt([metro], [node('near-tokyo', 36.68, 139.69)], 1, 0, matrix);
    expect(t.client(0, 0)).toBeGreaterThan(232);
    expect(t.client(0, 0)).toBeLessThan(232.2);
  });
});
