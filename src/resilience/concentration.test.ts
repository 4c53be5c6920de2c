import { describe, expect, it } from 'vitest';
import { testNode } from '../../test/support/test-nodes.js';
import { concentration } from './concentration.js';

const DIMS = ['provider', 'asn'];

describe('concentration', () => {
  it('is defined on an empty network: no groups, every metric 0', () => {
    const c = concentration([], { dimensions: DIMS });
    expect(c.members).toBe(0);
    expect(c.dimensions.provider).toEqual({
      groups: 0,
      hhi: 0,
      effective: 0,
      entropy: 0,
      expEntropy: 0,
      nakamoto: { '1/3': 0, '1/2': 0, '2/3': 0 },
      top: [],
      unknown: 0,
    });
    expect(c.minimum.nakamoto['1/3']).toEqual({ value: 0, dimensions: ['provider', 'asn'] });
  });

  // Three nodes on aws (two in ASN 16509, one in 14618) and one on hetzner: by count provider shares are
  // 3/4 and 1/4 → HHI 0.625; ASN shares 1/2, 1/4, 1/4 → HHI 0.375.
  const nodes = [
    testNode('a', { provider: 'aws', asn: 16509 }, { slots: 8 }),
    testNode('b', { provider: 'aws', asn: 16509 }, { slots: 8 }),
    testNode('c', { provider: 'aws', asn: 14618 }, { slots: 8 }),
    testNode('d', { provider: 'hetzner', asn: 24940 }, { slots: 24 }),
  ];

  it('weighs by node count: shares, HHI, Nakamoto and the most concentrated dimension', () => {
    const c = concentration(nodes, { dimensions: DIMS, weighting: { kind: 'count' } });
    expect(c.dimensions.provider!.hhi).toBeCloseTo(0.625, 12);
    expect(c.dimensions.provider!.top).toEqual([
      { value: 'aws', share: 0.75 },
      { value: 'hetzner', share: 0.25 },
    ]);
    expect(c.dimensions.asn!.hhi).toBeCloseTo(0.375, 12);
    expect(c.dimensions.asn!.nakamoto).toEqual({ '1/3': 1, '1/2': 2, '2/3': 2 });
    expect(c.minimum.hhi).toEqual({ value: 0.625, dimensions: ['provider'] });
    expect(c.minimum.nakamoto['1/2']).toEqual({ value: 1, dimensions: ['provider'] });
  });

  it('weighs by slots: hetzner’s 24 slots against aws’s 24 make providers an even split', () => {
    const c = concentration(nodes, { dimensions: DIMS, weighting: { kind: 'slots' } });
    expect(c.dimensions.provider!.hhi).toBeCloseTo(0.5, 12);
    expect(c.dimensions.provider!.nakamoto['1/2']).toBe(2);
    expect(c.totalWeight).toBe(48);
  });

  it('weighs by warm replicas of one model: only nodes holding it in GPU memory count', () => {
    const warm = [
      testNode('a', { provider: 'aws' }, { models: [{ model: 'llama', tier: 'gpu' }] }),
      testNode('b', { provider: 'aws' }, { models: [{ model: 'llama', tier: 'hostRam' }] }),
      testNode('c', { provider: 'gcp' }, { models: [{ model: 'llama', tier: 'gpu' }] }),
    ];
    const c = concentration(warm, { dimensions: ['provider'], weighting: { kind: 'warm', model: 'llama' } });
    expect(c.dimensions.provider!.groups).toBe(2);
    expect(c.dimensions.provider!.hhi).toBeCloseTo(0.5, 12);
  });

  it('weighs by stake by default; members without a value are unknown (40% here), left out of the metrics, not one group each', () => {
    const staked = [
      testNode('a', { provider: 'aws', teeVendor: 'intel' }, { stake: 3 }),
      testNode('b', { provider: 'aws', teeVendor: 'amd' }, { stake: 3 }),
      testNode('c', { provider: 'gcp' }, { stake: 2 }),
      testNode('d', { provider: 'gcp' }, { stake: 2 }),
    ];
    const c = concentration(staked, { dimensions: ['teeVendor'] });
    expect(c.weighting).toEqual({ kind: 'stake' });
    const tee = c.dimensions.teeVendor!;
    // Known: intel 3 and amd 3 of 6 known (HHI 0.5, 2 groups); c and d (4 of 10) are unknown. Counting
    // them as a group each would give 4 groups and HHI 0.09 + 0.09 + 0.04 + 0.04 = 0.26.
    expect(tee.groups).toBe(2);
    expect(tee.hhi).toBeCloseTo(0.5, 12);
    expect(tee.nakamoto['1/2']).toBe(2);
    expect(tee.unknown).toBeCloseTo(0.4, 12);
    expect(tee.top).toEqual([
      { value: 'amd', share: 0.3 },
      { value: 'intel', share: 0.3 },
    ]);
  });

  it('finds every dimension the nodes carry when none are named, known ones first', () => {
    const c = concentration([testNode('a', { zone: 'z1', client: 'vllm' })]);
    expect(Object.keys(c.dimensions)).toEqual([
      'provider',
      'asn',
      'datacenter',
      'operator',
      'country',
      'client',
      'zone',
    ]);
  });
});
