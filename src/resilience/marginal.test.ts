import { describe, expect, it } from 'vitest';
import { testNode } from '../../test/support/test-nodes.js';
import { marginalEffect } from './marginal.js';

// ASN 24940 holds 5 of 10 nodes, 16509 holds 3, 14618 holds 2: shares 0.5, 0.3, 0.2, HHI 0.38, and
// exactly half does not exceed 1/2, so two ASNs are needed to pass it (Nakamoto 1/2 = 2).
const asns = [24940, 24940, 24940, 24940, 24940, 16509, 16509, 16509, 14618, 14618];
const network = asns.map((asn, k) => testNode(`n${k}`, { asn, provider: asn === 24940 ? 'hetzner' : 'aws' }));

describe('marginal effect of a new node', () => {
  const dominant = marginalEffect(network, testNode('x', { asn: 24940, provider: 'hetzner' }), [
    'asn',
    'provider',
  ]);
  const unused = marginalEffect(network, testNode('x', { asn: 64512, provider: 'hetzner' }), [
    'asn',
    'provider',
  ]);

  it('a node in the already dominant ASN raises HHI and lets one ASN pass half the network', () => {
    const asn = dominant.dimensions.asn!;
    expect(asn).toMatchObject({ value: '24940', newValue: false });
    expect(asn.before.share).toBeCloseTo(0.5, 12);
    expect(asn.after.share).toBeCloseTo(6 / 11, 12);
    expect(asn.before.hhi).toBeCloseTo(0.38, 12);
    expect(asn.after.hhi).toBeCloseTo(49 / 121, 12);
    expect(asn.before.nakamoto['1/2']).toBe(2);
    expect(asn.after.nakamoto['1/2']).toBe(1);
  });

  it('the same node in an unused ASN lowers HHI, adds a group and keeps Nakamoto 1/2 at 2', () => {
    const asn = unused.dimensions.asn!;
    expect(asn).toMatchObject({ value: '64512', newValue: true });
    expect(asn.before).toMatchObject({ share: 0, groups: 3 });
    expect(asn.after.share).toBeCloseTo(1 / 11, 12);
    expect(asn.after.hhi).toBeCloseTo(39 / 121, 12);
    expect(asn.after.groups).toBe(4);
    expect(asn.after.nakamoto['1/2']).toBe(2);
    expect(asn.after.hhi).toBeLessThan(dominant.dimensions.asn!.after.hhi);
  });

  it('reports the provider dimension the same way for both (both are on hetzner)', () => {
    expect(unused.dimensions.provider).toEqual(dominant.dimensions.provider);
    expect(dominant.weighting).toBe('count');
    expect(dominant.weight).toBe(1);
  });

  it('treats a node without a value as depending on nobody else there', () => {
    const e = marginalEffect(network, testNode('x', {}), ['teeVendor']);
    expect(e.dimensions.teeVendor).toMatchObject({ value: null, newValue: false });
    // Eleven nodes, none with a TEE vendor: eleven groups of one.
    expect(e.dimensions.teeVendor!.after.groups).toBe(11);
    expect(e.dimensions.teeVendor!.after.hhi).toBeCloseTo(1 / 11, 12);
  });
});
