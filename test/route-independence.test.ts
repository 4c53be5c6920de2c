import { describe, expect, it } from 'vitest';
import type { Node } from '../src/model/node.js';
import { NetworkState } from '../src/network/state.js';
import type { RouteOk } from '../src/routing/decision.js';
import { policyByName } from '../src/routing/profiles.js';
import { route } from '../src/routing/route.js';
import { Rng } from '../src/util/rng.js';
import { LLAMA_70B, node, request } from './route-support.js';

const DIMS = ['provider', 'operator', 'asn'] as const;

/** Warm Frankfurt nodes; node k has a queue of k × 4 s, so the cost order is the list order. */
function network(labels: { id: string; provider: string; operator: string; asn: number }[]): NetworkState {
  const nodes = labels.map((l) =>
    node({ ...l, metro: 'frankfurt', models: [{ model: 'llama-70b', tier: 'gpu' }] }),
  );
  const state = NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
  labels.forEach((_, k) => {
    if (k > 0) state.setLoad(k, 8, 8 * k - 1, 0, 4000);
  });
  return state;
}

function decide(state: NetworkState, fallbacks: number, hedge = false, seed = 1): RouteOk {
  const req = request('frankfurt', {
    model: 'llama-70b',
    constraints: { independence: { fallbacks, hedge } },
  });
  const d = route(req, state.snapshot(0), policyByName('meridian'), new Rng(seed));
  if (!d.ok) throw new Error(d.error.message);
  return d;
}

function shared(a: Node, b: Node): string[] {
  return DIMS.filter((d) => a.labels[d].value === b.labels[d].value);
}

const FIVE = [
  { id: 'a', provider: 'X', operator: 'op1', asn: 1 },
  { id: 'b', provider: 'X', operator: 'op2', asn: 2 }, // shares the provider with a
  { id: 'c', provider: 'Y', operator: 'op1', asn: 3 }, // shares the operator with a
  { id: 'd', provider: 'Z', operator: 'op3', asn: 1 }, // shares the ASN with a
  { id: 'e', provider: 'W', operator: 'op4', asn: 4 }, // independent of a
];

describe('independent fallbacks', () => {
  it('skips cheaper nodes sharing provider, operator or ASN with the primary for the independent one', () => {
    const d = decide(network(FIVE), 1);
    expect(d.primary).toBe('a');
    expect(d.fallbacks).toEqual(['e']);
    expect(d.relaxations).toEqual([]);
  });

  it('relaxes ASN first (the stated order) when no second independent fallback exists, and flags it', () => {
    const d = decide(network(FIVE), 2);
    expect(d.fallbacks).toEqual(['e', 'd']);
    expect(d.relaxations).toEqual([
      {
        slot: 'fallback 2',
        dropped: ['asn'],
        reason: 'no qualifying candidate is independent on every dimension; allowed to share asn',
      },
    ]);
  });

  it('flags the relaxation when every node has the same provider', () => {
    const same = FIVE.slice(0, 2).map((x) => ({ ...x, operator: `${x.id}-op`, asn: x.asn + 10 }));
    const d = decide(network(same), 1);
    expect(d.fallbacks).toEqual(['b']);
    expect(d.relaxations[0]?.slot).toBe('fallback 1');
    expect(d.relaxations[0]?.dropped).toContain('provider');
  });

  it('says so when there are fewer candidates than fallbacks asked for', () => {
    const d = decide(network(FIVE.slice(0, 1)), 2);
    expect(d.fallbacks).toEqual([]);
    expect(d.relaxations[0]).toMatchObject({ slot: 'fallback 1', dropped: [] });
  });

  it('keeps each decision`s shortfall as it was: 1 of 3 asked, then 0 of 2, then 1 of 3 again (records shared, read-only)', () => {
    const two = network([FIVE[0]!, FIVE[4]!]); // independent of each other
    const first = decide(two, 3);
    const reason = (d: RouteOk) => d.relaxations.map((r) => `${r.slot}: ${r.reason}`);
    expect(reason(first)).toEqual(['fallback 2: only 1 of 3 fallbacks: no other qualifying candidate']);
    expect(reason(decide(network(FIVE.slice(0, 1)), 2))).toEqual([
      'fallback 1: only 0 of 2 fallbacks: no other qualifying candidate',
    ]);
    const again = decide(two, 3);
    expect(again.relaxations[0]).toBe(first.relaxations[0]);
    expect(reason(first)).toEqual(['fallback 2: only 1 of 3 fallbacks: no other qualifying candidate']);
    expect(Object.isFrozen(first.relaxations[0])).toBe(true);
    expect(Object.isFrozen(first.relaxations[0]!.dropped)).toBe(true);
  });

  it('sends a hedge copy to the first fallback and counts it in flight', () => {
    const state = network(FIVE);
    const view = state.snapshot(0);
    const req = request('frankfurt', {
      model: 'llama-70b',
      constraints: { independence: { fallbacks: 1, hedge: true } },
    });
    const d = route(req, view, policyByName('meridian'), new Rng(1));
    expect(d.ok && [d.primary, d.hedge]).toEqual(['a', 'e']);
    expect([...view.sent]).toEqual([1, 0, 0, 0, 1]);
  });

  it('never shares a dimension between primary and fallbacks on 300 random networks unless the slot is flagged', () => {
    const rng = new Rng(99);
    const meridian = policyByName('meridian');
    for (let trial = 0; trial < 300; trial++) {
      const size = 3 + rng.int(20);
      const labels = Array.from({ length: size }, (_, k) => ({
        id: `n${k}`,
        provider: `p${rng.int(4)}`,
        operator: `o${rng.int(6)}`,
        asn: rng.int(6),
      }));
      const state = network(labels);
      for (let k = 0; k < size; k++) if (rng.chance(0.2)) state.setHealthy(k, false);
      const req = request('frankfurt', {
        model: 'llama-70b',
        constraints: { independence: { fallbacks: 2 } },
      });
      const view = state.snapshot(0);
      const d = route(req, view, meridian, new Rng(trial));
      if (!d.ok) continue;
      const nodes = state.topology.nodes;
      const chosen = [d.primaryIndex, ...d.fallbackIndexes];
      d.fallbackIndexes.forEach((f, slot) => {
        const flagged = d.relaxations.some((r) => r.slot === `fallback ${slot + 1}`);
        const clash = chosen.slice(0, slot + 1).some((c) => shared(nodes[c]!, nodes[f]!).length > 0);
        if (!flagged) expect(clash).toBe(false);
      });
      if (d.relaxations.some((r) => r.slot === 'fallback 1')) {
        // Flagged: then no healthy node at all is independent of the primary.
        const p = nodes[d.primaryIndex]!;
        const alternative = nodes.some(
          (n, i) => i !== d.primaryIndex && view.dyn.healthy[i] === 1 && shared(p, n).length === 0,
        );
        expect(alternative).toBe(false);
      }
    }
  });
});
