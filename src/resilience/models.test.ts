import { describe, expect, it } from 'vitest';
import { testNode } from '../../test/support/test-nodes.js';
import { encodeDimensions } from './encode.js';
import { type DomainCut, modelResilience } from './models.js';
import { replicaIndex } from './replicas.js';

// 130 GB × 1.2 headroom = 156 GB: fits 2 × 80 GB (the capability rule of src/model/capability.ts).
const llama = { id: 'llama-70b', weightsGb: 130, performance: { h100: {}, 'a100-80': {} } };
const small = { id: 'qwen-7b', weightsGb: 15, performance: { h100: {}, l4: {} } };

const h100x2 = { accelerator: 'h100' as const, count: 2, memoryGb: 80 };
const nodes = [
  testNode(
    'a',
    { provider: 'aws', asn: 1 },
    { hardware: h100x2, models: [{ model: 'llama-70b', tier: 'gpu' }] },
  ),
  testNode(
    'b',
    { provider: 'aws', asn: 2 },
    { hardware: h100x2, models: [{ model: 'llama-70b', tier: 'gpu' }] },
  ),
  testNode(
    'c',
    { provider: 'gcp', asn: 3 },
    { hardware: h100x2, models: [{ model: 'llama-70b', tier: 'gpu' }] },
  ),
  testNode(
    'd',
    { provider: 'ovh', asn: 3 },
    { hardware: h100x2, models: [{ model: 'llama-70b', tier: 'localDisk' }] },
  ),
  testNode('e', { provider: 'ovh', asn: 4 }, { hardware: { accelerator: 'l4', count: 1, memoryGb: 24 } }),
  testNode('f', { provider: 'ovh', asn: 4 }, { roles: ['full'], hardware: h100x2 }),
];

describe('per-model resilience', () => {
  const dims = encodeDimensions(nodes, ['provider', 'asn']);
  const [big, tiny] = modelResilience(dims, replicaIndex(nodes, [llama, small]), nodes.length);

  it('counts warm replicas (in GPU memory) and capable nodes (class, memory, inference role)', () => {
    expect(big).toMatchObject({ model: 'llama-70b', warm: 3, capable: 4 });
    expect(tiny).toMatchObject({ model: 'qwen-7b', warm: 0, capable: 5 });
  });

  it('gives the effective number of providers and ASNs of the warm replicas', () => {
    // Providers aws, aws, gcp → 1 / (4/9 + 1/9) = 1.8; ASNs all different → 3.
    expect(big!.effectiveProviders).toBeCloseTo(1.8, 12);
    expect(big!.effectiveAsns).toBeCloseTo(3, 12);
    expect(tiny!.effectiveProviders).toBe(0);
  });

  it('finds the fewest domain values taking out every warm and every capable replica', () => {
    const names = (cut: DomainCut) => cut.domains.map((d) => `${d.dimension}=${d.value}`).sort();
    // Warm a (aws, 1), b (aws, 2), c (gcp, 3): two values suffice, e.g. aws + gcp; no single value does.
    expect(big!.warmCut.domains).toHaveLength(2);
    expect(big!.warmCut.exact).toBe(true);
    // Capable adds d (ovh, 3): now only aws + asn 3 takes out all four.
    expect(names(big!.capableCut)).toEqual(['asn=3', 'provider=aws']);
    // Capable qwen nodes a–e: providers aws, gcp, ovh or ASNs 1–4; mixed: aws + asn 3 + asn 4 = 3 = providers.
    expect(tiny!.capableCut.domains).toHaveLength(3);
    expect(tiny!.warmCut).toEqual({ domains: [], exact: true, lowerBound: 0, unremovable: 0 });
  });
});
