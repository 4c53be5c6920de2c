import { describe, expect, it } from 'vitest';
import { nearestMetro, nearestPoint } from './nearest.js';

// One degree of great circle on the mean Earth (radius 6371.0088 km) is 111.19508 km.
const KM_PER_DEGREE = (Math.PI / 180) * 6371.0088;

describe('nearestPoint', () => {
  const equator = [
    { lat: 0, lon: 0 },
    { lat: 0, lon: 10 },
    { lat: 0, lon: 20 },
  ];

  it('finds lon 10 for a point at lon 14 on the equator, 4 degrees = 444.78 km away', () => {
    const n = nearestPoint(equator, { lat: 0, lon: 14 });
    expect(n.index).toBe(1);
    expect(n.km).toBeCloseTo(4 * KM_PER_DEGREE, 6);
    expect(n.km).toBeCloseTo(444.78, 2);
  });

  it('takes the earlier point when two are equally far (lon 5 between lon 0 and lon 10)', () => {
    expect(nearestPoint(equator, { lat: 0, lon: 5 }).index).toBe(0);
  });

  it('crosses the antimeridian: lon 179 is 2 degrees from lon -179, not 358', () => {
    const n = nearestPoint(
      [
        { lat: 0, lon: 170 },
        { lat: 0, lon: -179 },
      ],
      { lat: 0, lon: 179 },
    );
    expect(n.index).toBe(1);
    expect(n.km).toBeCloseTo(2 * KM_PER_DEGREE, 6);
  });

  it('answers index -1 and Infinity km for an empty list', () => {
    expect(nearestPoint([], { lat: 1, lon: 2 })).toEqual({ index: -1, km: Number.POSITIVE_INFINITY });
  });
});

describe('nearestMetro', () => {
  it.each([
    [50.03, 8.57, 'frankfurt'], // Frankfurt airport
    [35.55, 139.78, 'tokyo'], // Haneda
    [-23.43, -46.47, 'sao-paulo'], // Guarulhos
    [-33.95, 151.18, 'sydney'], // Kingsford Smith
  ])('(%f, %f) is in the catalog metro %s', (lat, lon, id) => {
    expect(nearestMetro({ lat, lon })?.id).toBe(id);
  });

  it('searches only the metros it is given, and finds none in an empty list', () => {
    const osaka = { id: 'osaka', name: 'Osaka', country: 'JP', lat: 34.69, lon: 135.5 } as const;
    const metros = [{ ...osaka, region: 'asia' as const, demandWeight: 19, utcOffsetHours: 9 }];
    expect(nearestMetro({ lat: 35.55, lon: 139.78 }, metros)?.id).toBe('osaka');
    expect(nearestMetro({ lat: 35.55, lon: 139.78 }, [])).toBeUndefined();
  });
});
