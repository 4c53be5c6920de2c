import { describe, expect, it } from 'vitest';
import { testNode } from '../../test/support/test-nodes.js';
import { Rng } from '../util/rng.js';
import { encodeDimensions } from './encode.js';
import { minHittingSet } from './hitting-set.js';
import { labelClasses } from './label-classes.js';
import type { Member } from './member.js';
import { type DomainCut, domainCut, modelResilience } from './models.js';
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

/** A member with the given labels only (a missing one is left out). */
function labelled(labels: Record<string, string | undefined>): Member {
  const out: Record<string, { value: string }> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined) out[k] = { value: v };
  return { id: JSON.stringify(labels), labels: out };
}

function cutOf(members: Member[], names: string[], indices: number[]): DomainCut {
  const dims = encodeDimensions(members, names);
  return domainCut(dims, labelClasses(dims, members.length), Int32Array.from(indices));
}

describe('domainCut', () => {
  it('takes the 3 countries, not the 4 providers, of a 4 × 3 grid, proven by 3 nodes sharing nothing', () => {
    // Every (provider, country) pair has a node; (p0, c0), (p1, c1), (p2, c2) share no value.
    const members = [0, 1, 2, 3].flatMap((p) =>
      [0, 1, 2].map((c) => labelled({ provider: `p${p}`, country: `c${c}` })),
    );
    const cut = cutOf(members, ['provider', 'country'], [...members.keys()]);
    expect(cut.domains.map((d) => d.value).sort()).toEqual(['c0', 'c1', 'c2']);
    expect(cut).toMatchObject({ exact: true, lowerBound: 3 });
  });

  it('needs all 12 providers of 12 × 4 nodes whose countries all differ by provider, proven at once', () => {
    // Node (p, k) is in country (p + k) mod 12 and runs operator p·4 + k: the 12 nodes (p, 0) share no
    // value, so 12 is a lower bound, and the 12 providers (or the 12 countries) reach it.
    const members = Array.from({ length: 48 }, (_, i) => {
      const p = Math.floor(i / 4);
      const k = i % 4;
      return labelled({ provider: `p${p}`, country: `c${(p + k) % 12}`, operator: `o${i}` });
    });
    const cut = cutOf(members, ['provider', 'country', 'operator'], [...members.keys()]);
    expect(cut.domains).toHaveLength(12);
    expect(new Set(cut.domains.map((d) => d.dimension))).toEqual(new Set(['provider']));
    expect(cut).toMatchObject({ exact: true, lowerBound: 12, unremovable: 0 });
  });

  it('has the size of the exact search on 300 random networks with missing labels (seed 3)', () => {
    const rng = new Rng(3);
    const names = ['provider', 'asn', 'country'];
    const pools = [4, 7, 3];
    let oneDimension = 0;
    for (let t = 0; t < 300; t++) {
      const members = Array.from({ length: 2 + rng.int(30) }, () =>
        labelled(
          Object.fromEntries(
            names.map((n, d) => [n, rng.chance(0.1) ? undefined : `${n}${rng.int(pools[d]!)}`]),
          ),
        ),
      );
      const indices = [...members.keys()].filter(() => rng.chance(0.7));
      const cut = cutOf(members, names, indices);
      const elements = indices.map((i) =>
        names.flatMap((n) => {
          const v = members[i]!.labels[n]?.value;
          return v === undefined ? [] : [`${n}=${v}`];
        }),
      );
      const ids = new Map([...new Set(elements.flat())].map((v, k) => [v, k]));
      const search = minHittingSet(elements.map((e) => e.map((v) => ids.get(v)!)));
      expect(cut.exact).toBe(true);
      expect(cut.domains.length).toBe(search.sets.length);
      expect(cut.unremovable).toBe(search.unhittable);
      const chosen = new Set(cut.domains.map((d) => `${d.dimension}=${d.value}`));
      for (const e of elements) if (e.length > 0) expect(e.some((v) => chosen.has(v))).toBe(true);
      if (cut.domains.length > 1 && new Set(cut.domains.map((d) => d.dimension)).size === 1) oneDimension++;
    }
    // Both ways are exercised: whole dimensions (the shortcut, or the search finding one) and mixes.
    expect(oneDimension).toBeGreaterThan(30);
    expect(oneDimension).toBeLessThan(270);
  });
});
