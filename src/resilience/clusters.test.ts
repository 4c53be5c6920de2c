import { describe, expect, it } from 'vitest';
import { defaultClusterDimensions, dependencyClusters } from './clusters.js';
import { encodeDimensions } from './encode.js';
import type { Member } from './member.js';

function member(id: string, labels: Record<string, string>): Member {
  return { id, labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, { value: v }])) };
}

describe('dependency clusters', () => {
  it('links members through chains of shared values (a–b share an ASN, b–c an operator)', () => {
    const members = [
      member('a', { asn: '1', operator: 'x' }),
      member('b', { asn: '1', operator: 'y' }),
      member('c', { asn: '2', operator: 'y' }),
      member('d', { asn: '3', operator: 'z' }),
    ];
    const dims = encodeDimensions(members, ['asn', 'operator']);
    const c = dependencyClusters(dims, new Float64Array([1, 1, 1, 1]));
    expect(c.count).toBe(2);
    expect(c.largest.map((k) => [k.members, k.share])).toEqual([
      [3, 0.75],
      [1, 0.25],
    ]);
    expect(c.largest[0]!.values).toEqual({ asn: ['1', '2'], operator: ['y', 'x'] });
    // Cluster shares 3/4 and 1/4: HHI 0.625.
    expect(c.hhi).toBeCloseTo(0.625, 12);
    expect(c.nakamoto).toEqual({ '1/3': 1, '1/2': 1, '2/3': 1 });
  });

  it('keeps members apart on the dimensions left out of the link set', () => {
    const members = [member('a', { asn: '1', country: 'DE' }), member('b', { asn: '2', country: 'DE' })];
    expect(dependencyClusters(encodeDimensions(members, ['asn']), new Float64Array([1, 1])).count).toBe(2);
    expect(
      dependencyClusters(encodeDimensions(members, ['asn', 'country']), new Float64Array([1, 1])).count,
    ).toBe(1);
  });

  it('lets a weightless member tie two groups together without counting it', () => {
    const members = [
      member('a', { asn: '1' }),
      member('bridge', { asn: '1', operator: 'o' }),
      member('c', { operator: 'o' }),
    ];
    const c = dependencyClusters(encodeDimensions(members, ['asn', 'operator']), new Float64Array([2, 0, 2]));
    expect(c.count).toBe(1);
    expect(c.largest[0]!.members).toBe(2);
  });

  it('is empty for an empty network', () => {
    const c = dependencyClusters(encodeDimensions([], ['asn']), new Float64Array(0));
    expect(c).toMatchObject({ count: 0, hhi: 0, effective: 0, largest: [] });
  });

  it('members with no value on any clustering dimension are unknown (2 of 5 = 40%), not 2 clusters of one', () => {
    const members = [
      member('a', { asn: '1' }),
      member('b', { asn: '1' }),
      member('c', { asn: '2' }),
      member('d', {}),
      member('e', { country: 'DE' }),
    ];
    const dims = encodeDimensions(members, ['asn']);
    const c = dependencyClusters(dims, new Float64Array([1, 1, 1, 1, 1]));
    expect(c.count).toBe(2);
    expect(c.unknown).toBeCloseTo(0.4, 12);
    expect(c.largest.map((k) => [k.members, k.share])).toEqual([
      [2, 0.4],
      [1, 0.2],
    ]);
    // Among the known: shares 2/3 and 1/3, HHI 5/9 (with d and e as clusters of one it would be 0.28).
    expect(c.hhi).toBeCloseTo(5 / 9, 12);
  });

  it('default clustering dimensions: not country, client or teeVendor, not a dimension of distinct ids; all when none is left', () => {
    const members = [
      member('a', { asn: '1', country: 'DE', client: 'x', validator: 'a' }),
      member('b', { asn: '1', country: 'DE', client: 'x', validator: 'b' }),
    ];
    const dims = encodeDimensions(members, ['asn', 'country', 'client', 'validator']);
    expect(defaultClusterDimensions(dims)).toEqual(['asn']);
    const broad = encodeDimensions(members, ['country', 'client']);
    expect(defaultClusterDimensions(broad)).toEqual(['country', 'client']);
  });
});
