import { describe, expect, it } from 'vitest';
import { NetworkState } from '../src/network/state.js';
import { policyByName } from '../src/routing/profiles.js';
import { route } from '../src/routing/route.js';
import { Rng } from '../src/util/rng.js';
import { LLAMA_70B, node, request } from './route-support.js';

const METROS = ['frankfurt', 'amsterdam', 'paris', 'brussels'];

/** 20 identical warm nodes, five in each of four nearby metros, on different providers. */
function twentyWarm(): NetworkState {
  const nodes = Array.from({ length: 20 }, (_, k) =>
    node({
      id: `n${k}`,
      metro: METROS[k % 4]!,
      provider: `p${k % 7}`,
      models: [{ model: 'llama-70b', tier: 'gpu' }],
    }),
  );
  return NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
}

function requests(count: number): ReturnType<typeof request>[] {
  const rng = new Rng(3);
  return Array.from({ length: count }, (_, k) =>
    request(METROS[rng.int(4)]!, {
      id: `r${k}`,
      model: 'llama-70b',
      inputTokens: 200 + rng.int(2000),
      outputTokens: 50 + rng.int(400),
    }),
  );
}

describe('determinism', () => {
  it('gives the same decisions, receipts included, for the same seed on equal views', () => {
    const state = twentyWarm();
    const run = () => {
      const view = state.snapshot(0);
      const policy = policyByName('meridian');
      const rng = new Rng(42);
      return requests(50).map((r) => route(r, view, policy, rng, { explain: true }));
    };
    expect(run()).toEqual(run());
  });

  it('replays a decision from the seed in its receipt', () => {
    const state = twentyWarm();
    const policy = policyByName('meridian');
    const reqs = requests(5);
    const view = state.snapshot(0);
    const first = reqs.map((r) => route(r, view, policy, new Rng(7), { explain: true }));
    const again = state.snapshot(0);
    const replayed = reqs.map((r, k) =>
      route(r, again, policy, new Rng(999), { explain: true, seed: first[k]!.seed }),
    );
    expect(replayed).toEqual(first);
  });

  it('gives different decisions for different seeds (the tie-breaking is really random)', () => {
    const state = twentyWarm();
    const primaries = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const d = route(requests(1)[0]!, state.snapshot(0), policyByName('meridian'), new Rng(seed));
      if (d.ok) primaries.add(d.primary);
    }
    expect(primaries.size).toBeGreaterThan(1);
  });
});

describe('no herding', () => {
  it('spreads 1,000 requests decided against one stale view over the equal nodes', () => {
    const state = twentyWarm();
    const view = state.snapshot(0);
    const policy = policyByName('meridian');
    const rng = new Rng(11);
    const counts = new Map<string, number>();
    for (const r of requests(1000)) {
      const d = route(r, view, policy, rng);
      if (d.ok) counts.set(d.primary, (counts.get(d.primary) ?? 0) + 1);
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(1000);
    expect(counts.size).toBe(20);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(75);
    // The router's own sends are what it spreads by: every request is counted in flight.
    expect(view.sent.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('starts counting its own sends from zero on a refreshed view', () => {
    const state = twentyWarm();
    const view = state.snapshot(0);
    route(requests(1)[0]!, view, policyByName('meridian'), new Rng(1));
    expect(view.sent.reduce((a, b) => a + b, 0)).toBe(1);
    state.refresh(view, 1000);
    expect(view.sent.reduce((a, b) => a + b, 0)).toBe(0);
    expect(view.nowMs).toBe(1000);
  });
});
