import { describe, expect, it } from 'vitest';
import { greatCircleKm } from '../src/geo/distance.js';
import { metroById } from '../src/geo/metros.js';
import { RTT_MODEL } from '../src/geo/rtt-model.js';
import { NetworkState } from '../src/network/state.js';
import type { ReceiptCandidate, RouteDecision } from '../src/routing/decision.js';
import { policyByName } from '../src/routing/profiles.js';
import { route } from '../src/routing/route.js';
import { Rng } from '../src/util/rng.js';
import { LLAMA_70B, node, request, SMALL_3B } from './route-support.js';

/** The geo model between two catalog metro centres, written out here: 2·km / 204 km/ms × inflation + access. */
function rtt(a: string, b: string): number {
  const km = greatCircleKm(metroById(a)!, metroById(b)!);
  return ((2 * km) / RTT_MODEL.fibreKmPerMs) * RTT_MODEL.inflation + RTT_MODEL.accessMs;
}

function term(d: RouteDecision, id: string): ReceiptCandidate {
  const c = d.receipt?.top.find((x) => x.node === id);
  if (!c) throw new Error(`${id} not in the receipt`);
  return c;
}

/** Frankfurt: 8× H100 (faster), nothing of the 70B model, the 3B model in host RAM. Amsterdam: 4× A100-80, both warm. */
function frankfurtAmsterdam() {
  const nodes = [
    node({
      id: 'fra-1',
      metro: 'frankfurt',
      provider: 'hetzner',
      models: [{ model: 'small-3b', tier: 'hostRam' }],
    }),
    node({
      id: 'ams-1',
      metro: 'amsterdam',
      provider: 'ovh',
      accelerator: 'a100-80',
      count: 4,
      models: [
        { model: 'llama-70b', tier: 'gpu' },
        { model: 'small-3b', tier: 'gpu' },
      ],
    }),
  ];
  return NetworkState.fromScenario({ nodes, models: [LLAMA_70B, SMALL_3B] });
}

describe('the seed story: a client in Frankfurt', () => {
  it('picks the warm 70B model in Amsterdam over the cold one next door (140 s load from the remote store)', () => {
    const state = frankfurtAmsterdam();
    for (let seed = 1; seed <= 20; seed++) {
      const d = route(
        request('frankfurt', { model: 'llama-70b' }),
        state.snapshot(0),
        policyByName('meridian'),
        new Rng(seed),
        {
          explain: true,
        },
      );
      expect(d.ok && d.primary).toBe('ams-1');
      if (seed > 1) continue;
      // Amsterdam: one round trip + 150 ms prefill + 200 tokens × 35 ms.
      const ams = term(d, 'ams-1');
      expect(ams.rttMs).toBeCloseTo(rtt('frankfurt', 'amsterdam'), 1);
      expect([ams.queueMs, ams.coldStartMs, ams.dataFetchMs]).toEqual([0, 0, 0]);
      expect(ams.serviceMs).toBe(7150);
      expect(d.ok && d.estimateMs).toBeCloseTo(rtt('frankfurt', 'amsterdam') + 7150, 9);
      // Frankfurt: access RTT + 140 GB / 1 GB/s + 60 ms prefill + 200 × 20 ms.
      const fra = term(d, 'fra-1');
      expect(fra.rttMs).toBeCloseTo(RTT_MODEL.accessMs, 1);
      expect(fra.coldStartMs).toBe(140_000);
      expect(fra.serviceMs).toBe(4060);
      expect(fra.estimateMs).toBeCloseTo(RTT_MODEL.accessMs + 144_060, 1);
    }
  });

  it('picks the faster Frankfurt node when its model loads from host RAM in 0.3 s', () => {
    const state = frankfurtAmsterdam();
    for (let seed = 1; seed <= 20; seed++) {
      const d = route(
        request('frankfurt', { model: 'small-3b' }),
        state.snapshot(0),
        policyByName('meridian'),
        new Rng(seed),
        {
          explain: true,
        },
      );
      expect(d.ok && d.primary).toBe('fra-1');
      if (seed > 1) continue;
      // Frankfurt: 6 GB / 20 GB/s = 300 ms, then 10 ms prefill + 200 × 6 ms.
      const fra = term(d, 'fra-1');
      expect(fra.coldStartMs).toBe(300);
      expect(fra.serviceMs).toBe(1210);
      expect(d.ok && d.estimateMs).toBeCloseTo(RTT_MODEL.accessMs + 1510, 9);
      // Amsterdam: warm, but 25 ms prefill + 200 × 10 ms on the A100s.
      const ams = term(d, 'ams-1');
      expect(ams.coldStartMs).toBe(0);
      expect(ams.estimateMs).toBeCloseTo(rtt('frankfurt', 'amsterdam') + 2025, 1);
    }
  });

  it('picks an idle warm node in New York over a warm Frankfurt node with a 40 s queue', () => {
    const nodes = [
      node({
        id: 'fra-2',
        metro: 'frankfurt',
        provider: 'hetzner',
        models: [{ model: 'llama-70b', tier: 'gpu' }],
      }),
      node({
        id: 'nyc-1',
        metro: 'new-york',
        provider: 'aws',
        models: [{ model: 'llama-70b', tier: 'gpu' }],
      }),
    ];
    const state = NetworkState.fromScenario({ nodes, models: [LLAMA_70B] });
    // 8 slots all busy and 79 queued, 4 s per request: (8 + 79 − 8 + 1) / 8 × 4 s = 40 s.
    state.setLoad(state.nodeIndex('fra-2'), 8, 79, 0, 4000);
    for (let seed = 1; seed <= 20; seed++) {
      const d = route(
        request('frankfurt', { model: 'llama-70b' }),
        state.snapshot(0),
        policyByName('meridian'),
        new Rng(seed),
        {
          explain: true,
        },
      );
      expect(d.ok && d.primary).toBe('nyc-1');
      if (seed > 1) continue;
      expect(term(d, 'fra-2').queueMs).toBe(40_000);
      const nyc = term(d, 'nyc-1');
      expect(nyc.queueMs).toBe(0);
      expect(nyc.rttMs).toBeCloseTo(rtt('frankfurt', 'new-york'), 1);
      expect(nyc.estimateMs).toBeCloseTo(rtt('frankfurt', 'new-york') + 4060, 1);
    }
  });

  it('goes next door with the nearest policy, cold start and all (the baseline the story beats)', () => {
    const d = route(
      request('frankfurt', { model: 'llama-70b' }),
      frankfurtAmsterdam().snapshot(0),
      policyByName('nearest'),
      new Rng(1),
    );
    expect(d.ok && d.primary).toBe('fra-1');
    expect(d.ok && d.estimateMs).toBeCloseTo(RTT_MODEL.accessMs + 144_060, 9);
  });
});
