import { describe, expect, it } from 'vitest';
import { POLICY_NAMES } from '../src/model/policies.js';
import { NetworkState } from '../src/network/state.js';
import { BUILTIN_PROFILES_YAML } from '../src/routing/profiles/builtin.js';
import { policyByName } from '../src/routing/profiles.js';
import { route } from '../src/routing/route.js';
import { Rng } from '../src/util/rng.js';
import { LLAMA_70B, node, request } from './route-support.js';

const METROS = ['frankfurt', 'amsterdam', 'paris', 'london', 'madrid'];

/** Ten warm nodes over five metros; n3 and n7 are down. */
function ten(): NetworkState {
  const nodes = Array.from({ length: 10 }, (_, k) =>
    node({
      id: `n${k}`,
      metro: METROS[k % 5]!,
      provider: `p${k}`,
      models: [{ model: 'llama-70b', tier: 'gpu' }],
    }),
  );
  const state = NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
  state.setHealthy(3, false);
  state.setHealthy(7, false);
  return state;
}

const fromFrankfurt = request('frankfurt', { model: 'llama-70b' });

describe('baseline policies', () => {
  it('random: picks every healthy capable node about equally often, and never a down one', () => {
    const state = ten();
    const view = state.snapshot(0);
    const policy = policyByName('random');
    const rng = new Rng(5);
    const counts = new Array<number>(10).fill(0);
    for (let k = 0; k < 4000; k++) {
      const d = route(fromFrankfurt, view, policy, rng);
      if (d.ok) counts[d.primaryIndex]!++;
    }
    expect([counts[3], counts[7]]).toEqual([0, 0]);
    // 4,000 / 8 = 500 each; ±20% is over 5 standard deviations.
    for (const k of [0, 1, 2, 4, 5, 6, 8, 9]) expect(Math.abs(counts[k]! - 500)).toBeLessThan(100);
  });

  it('round-robin: every healthy node in turn, in node order', () => {
    const view = ten().snapshot(0);
    const policy = policyByName('round-robin');
    const rng = new Rng(1);
    const order = Array.from({ length: 10 }, () => {
      const d = route(fromFrankfurt, view, policy, rng);
      return d.ok ? d.primary : '';
    });
    expect(order).toEqual(['n0', 'n1', 'n2', 'n4', 'n5', 'n6', 'n8', 'n9', 'n0', 'n1']);
  });

  it('nearest: the node with the smallest RTT, whatever its load', () => {
    const state = ten();
    state.setLoad(0, 8, 100, 0, 4000); // n0 and n5 are the Frankfurt nodes; n0 is swamped
    state.setLoad(5, 8, 100, 0, 4000);
    const d = route(fromFrankfurt, state.snapshot(0), policyByName('nearest'), new Rng(1));
    expect(['n0', 'n5']).toContain(d.ok ? d.primary : '');
  });

  it('least-loaded: the node with the fewest outstanding requests per slot', () => {
    const state = ten();
    for (let k = 0; k < 10; k++) state.setLoad(k, 8 - (k % 8), 0, 0);
    // loads 8,7,6,(5 down),4,3,2,(1 down),8,7 → n6 with 2 running
    const d = route(fromFrankfurt, state.snapshot(0), policyByName('least-loaded'), new Rng(1));
    expect(d.ok && d.primary).toBe('n6');
  });

  it('p2c: of two nodes, always the less loaded one', () => {
    const nodes = ['a', 'b'].map((id, k) =>
      node({ id, metro: METROS[k]!, provider: id, models: [{ model: 'llama-70b', tier: 'gpu' }] }),
    );
    const state = NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
    state.setLoad(0, 6, 0, 0);
    state.setLoad(1, 2, 0, 0);
    const policy = policyByName('p2c');
    for (let seed = 0; seed < 20; seed++) {
      const d = route(fromFrankfurt, state.snapshot(0), policy, new Rng(seed));
      expect(d.ok && d.primary).toBe('b');
    }
  });

  /** n0 (Frankfurt) cold, n1 (Amsterdam) and n2 (Paris) warm; n1 runs 6 of 8 slots, n2 runs 1. */
  function warmPair(): NetworkState {
    const nodes = ['n0', 'n1', 'n2'].map((id, k) =>
      node({
        id,
        metro: METROS[k]!,
        provider: id,
        models: [{ model: 'llama-70b', tier: k === 0 ? 'localDisk' : 'gpu' }],
      }),
    );
    const state = NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
    state.setLoad(1, 6, 0, 0);
    state.setLoad(2, 1, 0, 0);
    return state;
  }

  it('meridian starts a load on the cold Frankfurt node once waiting on the warm ones (200 queued on 8 slots at 4 s each, ~100 s) costs more than the load; with short queues it stays warm', () => {
    const state = warmPair();
    state.setLoad(1, 8, 200, 0, 4000);
    state.setLoad(2, 8, 200, 0, 4000);
    const swamped = route(fromFrankfurt, state.snapshot(0), policyByName('meridian'), new Rng(1));
    expect(swamped.ok && swamped.primary).toBe('n0');
    state.setLoad(1, 1, 0, 0, 4000);
    state.setLoad(2, 1, 0, 0, 4000);
    const calm = route(fromFrankfurt, state.snapshot(0), policyByName('meridian'), new Rng(1));
    expect(calm.ok && calm.primary).not.toBe('n0');
  });

  it('nearest-warm: Amsterdam (warm) over Frankfurt (nearer, cold), whatever the load', () => {
    const d = route(fromFrankfurt, warmPair().snapshot(0), policyByName('nearest-warm'), new Rng(1));
    expect(d.ok && d.primary).toBe('n1');
  });

  it('nearest-warm: with no warm node it still routes, to the nearest (Frankfurt)', () => {
    const state = warmPair();
    state.setTier(1, 0, 'localDisk');
    state.setTier(2, 0, 'localDisk');
    const d = route(fromFrankfurt, state.snapshot(0), policyByName('nearest-warm'), new Rng(1));
    expect(d.ok && d.primary).toBe('n0');
  });

  it('warm-least-loaded: Paris (warm, 1 running) over idle cold Frankfurt and busier warm Amsterdam (6)', () => {
    const d = route(fromFrankfurt, warmPair().snapshot(0), policyByName('warm-least-loaded'), new Rng(1));
    expect(d.ok && d.primary).toBe('n2');
  });

  it('opengradient: never a node silent for over 30 s, nor one without the TEE a tee request needs', () => {
    const nodes = ['fresh-tee', 'stale-tee', 'fresh-plain'].map((id, k) =>
      node({
        id,
        metro: METROS[k]!,
        provider: id,
        verification: k === 2 ? ['vanilla'] : ['vanilla', 'tee'],
        models: [{ model: 'llama-70b', tier: 'gpu' }],
      }),
    );
    const state = NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
    state.setLoad(0, 0, 0, 100_000);
    state.setLoad(1, 0, 0, 60_000); // 40 s old at t = 100 s
    state.setLoad(2, 0, 0, 100_000);
    const view = state.snapshot(100_000);
    const tee = { ...fromFrankfurt, verification: 'tee' as const };
    const policy = policyByName('opengradient');
    const rng = new Rng(3);
    const counts = new Map<string, number>();
    for (let k = 0; k < 200; k++) {
      const d = route(tee, view, policy, rng);
      const id = d.ok ? d.primary : 'none';
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect([...counts]).toEqual([['fresh-tee', 200]]);
  });

  it('meridian-static: the meridian profile with learning off, identical otherwise', () => {
    const stat = policyByName('meridian-static').spec;
    const full = policyByName('meridian').spec;
    expect(stat.estimate.learn).toBe(false);
    expect(full.estimate.learn).toBe(true);
    expect({ ...stat, estimate: { ...stat.estimate, learn: true }, description: '' }).toEqual({
      ...full,
      description: '',
    });
    expect(BUILTIN_PROFILES_YAML).toContain('meridian-static:');
  });

  it('meridian-reactive: the meridian profile with the warm-set controller off, identical otherwise', () => {
    const reactive = policyByName('meridian-reactive').spec;
    const full = policyByName('meridian').spec;
    expect(reactive.warmset.controller).toBe(false);
    expect(full.warmset.controller).toBe(true);
    expect(policyByName('least-loaded').spec.warmset.controller).toBe(false);
    expect({ ...reactive, warmset: { ...reactive.warmset, controller: true }, description: '' }).toEqual({
      ...full,
      description: '',
    });
  });

  it('every policy carries the fallbacks the request asks for', () => {
    for (const name of POLICY_NAMES) {
      const d = route(fromFrankfurt, ten().snapshot(0), policyByName(name), new Rng(2));
      expect(d.ok && d.fallbacks.length).toBe(2);
    }
  });
});
