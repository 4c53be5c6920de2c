import { describe, expect, it } from 'vitest';
import { testNode } from '../../test/support/test-nodes.js';
import { NotFoundError } from '../errors.js';
import { analyzeNetwork } from './analyze.js';
import type { GeoContext } from './geo-context.js';

// A one-dimensional world: RTT is 1 ms per degree of longitude; west of 0° is region "west".
const geo: GeoContext = {
  rttMs: (a, b) => Math.abs(a.lon - b.lon),
  regionOf: (p) => (p.lon < 0 ? 'west' : 'east'),
  demand: [
    { id: 'w', region: 'west', lat: 0, lon: -10, weight: 1 },
    { id: 'e', region: 'east', lat: 0, lon: 10, weight: 3 },
  ],
};

const llama = { id: 'llama', weightsGb: 140, performance: { h100: {} } };
const hw = { accelerator: 'h100' as const, count: 2, memoryGb: 80 };
const at = (lon: number, metro: string) => ({ lat: 0, lon, metro });
const warm = [{ model: 'llama', tier: 'gpu' as const }];
const nodes = [
  testNode('a', { provider: 'aws' }, { location: at(-10, 'w1'), hardware: hw, slots: 8, models: warm }),
  testNode('b', { provider: 'aws' }, { location: at(10, 'e1'), hardware: hw, slots: 8, models: warm }),
  testNode('c', { provider: 'gcp' }, { location: at(20, 'e2'), hardware: hw, slots: 16, models: warm }),
  testNode('d', { provider: 'ovh' }, { location: at(40, 'e3'), hardware: hw, slots: 8 }),
];

describe('what-if outages', () => {
  const analysis = analyzeNetwork(nodes, {
    dimensions: ['provider'],
    models: [llama],
    geo,
    whatif: { perDimension: 3, pairPool: 3, pairs: 5 },
  });

  it('starts from every demand point next to a warm replica', () => {
    expect(analysis.latency).toEqual([
      { region: 'west', meanMs: 0, unserved: 0 },
      { region: 'east', meanMs: 0, unserved: 0 },
    ]);
  });

  it('losing aws moves both regions to the gcp replica and takes all western capacity', () => {
    const aws = analysis.whatif.find((o) => o.name === 'provider=aws')!;
    expect(aws).toMatchObject({
      kind: 'value',
      removed: 2,
      weightLost: 0.5,
      modelsNoWarm: [],
      modelsNoCapable: [],
    });
    expect(aws.capacity).toEqual([
      { region: 'west', before: 8, after: 0, lostShare: 1 },
      { region: 'east', before: 32, after: 24, lostShare: 0.25 },
    ]);
    // West demand at −10° now reaches gcp at 20°: 30 ms; east demand at 10°: 10 ms.
    expect(aws.latency).toEqual([
      { region: 'west', beforeMs: 0, afterMs: 30, deltaMs: 30, unservedBefore: 0, unservedAfter: 0 },
      { region: 'east', beforeMs: 0, afterMs: 10, deltaMs: 10, unservedBefore: 0, unservedAfter: 0 },
    ]);
  });

  it('takes each top provider down in turn, then the worst pairs (ties by name)', () => {
    expect(analysis.whatif.map((o) => o.name)).toEqual([
      'provider=aws',
      'provider=gcp',
      'provider=ovh',
      'provider=aws + provider=gcp',
      'provider=aws + provider=ovh',
      'provider=gcp + provider=ovh',
    ]);
  });

  it('reports a model with no warm replica left once aws and gcp are both down, though ovh could load it', () => {
    const both = analysis.whatif.find((o) => o.name === 'provider=aws + provider=gcp')!;
    expect(both.modelsNoWarm).toEqual(['llama']);
    expect(both.modelsNoCapable).toEqual([]);
    expect(both.latency[0]).toMatchObject({ afterMs: null, deltaMs: null, unservedAfter: 1 });
  });

  it('removes only members matching every part of a selector', () => {
    const a = analyzeNetwork(nodes, {
      dimensions: ['provider', 'datacenter'],
      outages: [
        [
          { dimension: 'provider', value: 'aws' },
          { dimension: 'datacenter', value: 'dc-b' },
        ],
      ],
      whatif: false,
    });
    expect(a.whatif).toHaveLength(1);
    expect(a.whatif[0]).toMatchObject({ kind: 'selector', name: 'provider=aws,datacenter=dc-b', removed: 1 });
    expect(a.capacityUnit).toBe('slots');
  });

  it('accepts a selector on a dimension that is not analysed', () => {
    const a = analyzeNetwork(nodes, {
      dimensions: ['provider'],
      outages: [[{ dimension: 'datacenter', value: 'dc-c' }]],
      whatif: false,
    });
    expect(a.whatif[0]).toMatchObject({ removed: 1, name: 'datacenter=dc-c' });
    expect(Object.keys(a.dimensions)).toEqual(['provider']);
  });

  it('refuses a selector naming a value no member has', () => {
    expect(() =>
      analyzeNetwork(nodes, {
        dimensions: ['provider'],
        outages: [[{ dimension: 'provider', value: 'azure' }]],
      }),
    ).toThrow(NotFoundError);
  });

  it('is defined on an empty network', () => {
    const a = analyzeNetwork([], { geo, models: [llama] });
    expect(a.whatif).toEqual([]);
    expect(a.models[0]).toMatchObject({ warm: 0, capable: 0 });
    expect(a.latency.every((l) => l.meanMs === null && l.unserved === 1)).toBe(true);
  });
});
