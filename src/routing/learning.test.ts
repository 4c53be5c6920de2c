import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { rttMs } from '../geo/rtt-model.js';
import type { ServedOutcome } from '../learn/node-speed.js';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { Request } from '../model/request.js';
import { NetworkState } from '../network/state.js';
import { Rng } from '../util/rng.js';
import { PolicyResolver } from './resolver.js';
import { route } from './route.js';

/**
 * The learning router, end to end through NetworkState and route(): outcomes generated from a hidden
 * truth the catalog does not know are fed to the state's estimators, and the decisions follow the truth.
 */

const PERF = {
  h100: { prefillMsPer1k: 50, decodeMsPerToken: 10, decodeSlope: 0.02 },
  'a100-80': { prefillMsPer1k: 75, decodeMsPerToken: 15, decodeSlope: 0.02 },
};
const MODELS = [Model.parse({ id: 'm', kind: 'llm', weightsGb: 16, performance: PERF })];

function node(
  id: string,
  metro: string,
  accelerator: 'h100' | 'a100-80',
  tier: 'gpu' | 'localDisk' = 'gpu',
): Node {
  const m = metroById(metro)!;
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro },
    labels: { provider: id, asn: id, datacenter: id, operator: id, country: 'DE' },
    hardware: { accelerator, count: 1, memoryGb: 80 },
    models: [{ model: 'm', tier }],
  });
}

const FRANKFURT = metroById('frankfurt')!;
const request = Request.parse({
  model: 'm',
  client: { lat: FRANKFURT.lat, lon: FRANKFURT.lon, metro: 'frankfurt' },
  inputTokens: 1000,
  outputTokens: 100,
});

/** Meridian as built in, and the same profile with `estimate.learn: false`. */
const STATIC_YAML = `
plugins:
  healthy: { type: healthy }
  completion-time: { type: completion-time, parameters: { risk: 0.5 } }
  no-herd: { type: tolerance, parameters: { relative: 0.05, absoluteMs: 10, choice: weighted } }
profiles:
  static:
    candidates: { mode: nearest, warm: 12, fast: 8, cold: 6, explore: 4 }
    filters: [healthy]
    scorers: [completion-time]
    picker: no-herd
    fallbacks: ranked
    estimate: { learn: false }
`;
const resolver = PolicyResolver.fromText(STATIC_YAML, 'test profiles');
const meridian = resolver.resolve('meridian')!;
const staticPolicy = resolver.resolve('static')!;

/**
 * A served request on node `i` from a truth whose prefill and decode take `pre` and `dec` times the
 * catalog's (h100 row: 50 ms per 1k input, 10 ms per token), with ±5% noise and a 5 ms round trip.
 */
function outcome(i: number, pre: number, dec: number, rng: Rng, catalog = PERF.h100): ServedOutcome {
  const noise = () => 1 + (rng.next() - 0.5) * 0.1;
  const firstByteMs = 5 + catalog.prefillMsPer1k * pre * noise();
  const doneMs = firstByteMs + 99 * catalog.decodeMsPerToken * dec * noise();
  return {
    node: i,
    outputTokens: 100,
    firstByteMs,
    doneMs,
    expected: {
      rttMs: 5,
      queueMs: 0,
      prefillMs: catalog.prefillMsPer1k,
      decodeMsPerToken: catalog.decodeMsPerToken,
    },
  };
}

function decide(state: NetworkState, nowMs: number, policy = meridian) {
  const d = route(request, state.snapshot(nowMs), policy, new Rng(7));
  if (!d.ok) throw new Error(d.error.message);
  return d;
}

describe('learning router (NetworkState + route)', () => {
  it('learns a hidden decode factor of 3 on the catalog-faster node within 10% after 20 outcomes and routes to the truly faster node; learn: false keeps the catalog choice', () => {
    const state = NetworkState.fromScenario({
      nodes: [node('a', 'frankfurt', 'h100'), node('b', 'frankfurt', 'a100-80')],
      models: MODELS,
    });
    expect(decide(state, 0).primary).toBe('a');
    const rng = new Rng(1);
    for (let k = 0; k < 20; k++) state.learning.observeServed(outcome(0, 1, 3, rng), k * 1000);
    const learned = state.learning.speed.decode.factor(0);
    expect(Math.abs(learned - 3) / 3).toBeLessThan(0.1);
    const d = decide(state, 20_000);
    expect(d.primary).toBe('b');
    expect(decide(state, 20_000, staticPolicy).primary).toBe('a');
  });

  it('learns a hidden prefill factor of 2 within 15% after 30 outcomes', () => {
    const state = NetworkState.fromScenario({ nodes: [node('a', 'frankfurt', 'h100')], models: MODELS });
    const rng = new Rng(2);
    for (let k = 0; k < 30; k++) state.learning.observeServed(outcome(0, 2, 1, rng), k * 1000);
    expect(Math.abs(state.learning.speed.prefill.factor(0) - 2) / 2).toBeLessThan(0.15);
  });

  it('the estimate of a node with learned decode factor 3 is 3× the catalog decode: 2,000 ms more for 100 tokens at 10 ms (± 10%)', () => {
    const state = NetworkState.fromScenario({ nodes: [node('a', 'frankfurt', 'h100')], models: MODELS });
    const before = decide(state, 0).estimateMs;
    const rng = new Rng(3);
    for (let k = 0; k < 20; k++) state.learning.observeServed(outcome(0, 1, 3, rng), k * 1000);
    const after = decide(state, 20_000).estimateMs;
    expect(after - before).toBeGreaterThan(2000 * 0.9);
    expect(after - before).toBeLessThan(2000 * 1.1);
  });

  it('picks up a straggler episode (×4 decode) within 5 outcomes and releases it within 10 after it ends', () => {
    const state = NetworkState.fromScenario({
      nodes: [node('a', 'frankfurt', 'h100'), node('b', 'frankfurt', 'a100-80')],
      models: MODELS,
    });
    const rng = new Rng(4);
    let t = 0;
    for (let k = 0; k < 30; k++) state.learning.observeServed(outcome(0, 1, 1, rng), (t += 1000));
    expect(decide(state, t).primary).toBe('a');
    for (let k = 0; k < 5; k++) state.learning.observeServed(outcome(0, 1, 4, rng), (t += 1000));
    expect(state.learning.speed.decode.factor(0)).toBeGreaterThan(3);
    expect(decide(state, t).primary).toBe('b');
    for (let k = 0; k < 10; k++) state.learning.observeServed(outcome(0, 1, 1, rng), (t += 1000));
    expect(state.learning.speed.decode.factor(0)).toBeLessThan(1.2);
    expect(decide(state, t).primary).toBe('a');
  });

  it('learned client→node RTTs route around a near metro with a bad path (Paris at 120 ms, London at 15 ms from Frankfurt)', () => {
    const paris = metroById('paris')!;
    const london = metroById('london')!;
    // The distance model ranks Paris nearer, so the static router sends Frankfurt's clients there.
    expect(rttMs(FRANKFURT, paris)).toBeLessThan(rttMs(FRANKFURT, london));
    const state = NetworkState.fromScenario({
      nodes: [node('p', 'paris', 'h100'), node('l', 'london', 'h100')],
      models: MODELS,
    });
    expect(decide(state, 0).primary).toBe('p');
    const fra = state.topology.metros.index.get('frankfurt')!;
    const rng = new Rng(5);
    for (let k = 0; k < 60; k++) {
      state.learning.observeClientRtt(fra, 0, 120 * (1 + (rng.next() - 0.5) * 0.1));
      state.learning.observeClientRtt(fra, 1, 15 * (1 + (rng.next() - 0.5) * 0.1));
    }
    const view = state.snapshot(0);
    const host = state.learning.metroHost(fra);
    expect(view.learnedRtt!.learned(host, 0)).toBe(true);
    expect(view.learnedRtt!.predictMs(host, 1)).toBeLessThan(30);
    expect(view.learnedRtt!.predictMs(host, 0)).toBeGreaterThan(90);
    expect(decide(state, 0).primary).toBe('l');
    expect(decide(state, 0, staticPolicy).primary).toBe('p');
  });

  it('learns a hidden local-disk load factor of 3 within 10% after 10 cold starts; the cold-start estimate grows by 2× the catalog load time (± 15%)', () => {
    const state = NetworkState.fromScenario({
      nodes: [node('a', 'frankfurt', 'h100', 'localDisk')],
      models: MODELS,
    });
    const before = decide(state, 0).estimateMs;
    const catalogLoadMs = (16 / state.topology.localDiskGBps[0]!) * 1000;
    const rng = new Rng(6);
    for (let k = 0; k < 10; k++) {
      const o = outcome(0, 1, 1, rng);
      const observedMs = 3 * catalogLoadMs * (1 + (rng.next() - 0.5) * 0.1);
      state.learning.observeServed(
        { ...o, load: { tier: 'localDisk', observedMs, expectedMs: catalogLoadMs } },
        k * 1000,
      );
    }
    expect(Math.abs(state.learning.speed.loadFactor(0, 1) - 3) / 3).toBeLessThan(0.1);
    const grew = decide(state, 10_000).estimateMs - before;
    expect(Math.abs(grew - 2 * catalogLoadMs) / (2 * catalogLoadMs)).toBeLessThan(0.15);
  });
});
