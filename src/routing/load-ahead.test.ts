import { describe, expect, it } from 'vitest';
import { testNode } from '../../test/support/test-nodes.js';
import { metroById } from '../geo/metros.js';
import { Model } from '../model/model.js';
import type { Node, NodeInput } from '../model/node.js';
import { Request } from '../model/request.js';
import { NetworkState } from '../network/state.js';
import { Rng } from '../util/rng.js';
import type { Policy } from './policy.js';
import { policyByName } from './profiles.js';
import { route } from './route.js';

const perf = { prefillMsPer1k: 50, decodeMsPerToken: 10, decodeSlope: 0.02 };
const MODELS = [
  Model.parse({ id: 'big', kind: 'llm', weightsGb: 140, performance: { h100: perf } }),
  Model.parse({ id: 'mid', kind: 'llm', weightsGb: 40, performance: { h100: perf } }),
];

/** A 2 × H100 node (160 GB, 8 slots) in `metro`. */
function node(id: string, metro: string, models: NodeInput['models'] = []): Node {
  const m = metroById(metro)!;
  const location = { lat: m.lat, lon: m.lon, metro };
  return testNode(id, {}, { location, hardware: { accelerator: 'h100', count: 2, memoryGb: 80 }, models });
}

const REQUEST = Request.parse({
  model: 'mid',
  client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
  inputTokens: 1000,
  outputTokens: 100,
});

/**
 * a (Frankfurt) holds mid warm and has 8 running and `queued` waiting, 4 s each: a new request waits
 * (8 + queued − 8 + 1) / 8 × 4 s. b (Frankfurt) holds `bModels`; it would copy mid from its peer a, 40 GB
 * at 2.5 GB/s = 16 s. c, when asked for, is in Amsterdam with nothing: 40 GB from the remote store at
 * 1 GB/s = 40 s.
 */
function world(queued: number, bModels: NodeInput['models'] = [], withC = false) {
  const nodes = [
    node('a', 'frankfurt', [{ model: 'mid', tier: 'gpu' }]),
    node('b', 'frankfurt', bModels),
    ...(withC ? [node('c', 'amsterdam')] : []),
  ];
  const state = NetworkState.fromScenario({ nodes, models: MODELS });
  state.setLoad(0, 8, queued, 0, 4000);
  return { state, view: state.snapshot(0) };
}

function decide(view: ReturnType<typeof world>['view'], policy: Policy = policyByName('meridian')) {
  const d = route(REQUEST, view, policy, new Rng(1));
  if (!d.ok) throw new Error(d.error.message);
  return d;
}

describe('a second replica started by the router (meridian, loadAheadShare 0.25)', () => {
  it('starts mid on b when a queues 4.5 s and b would load it in 16 s (4.5 s ≥ 0.25 × 16 s); the request still goes to a', () => {
    const d = decide(world(8).view);
    expect(d.primary).toBe('a');
    expect(d.loadAhead).toEqual({ node: 'b', nodeIndex: 1, waitMs: 4500, loadMs: 16_000 });
  });

  it('names it in the receipt when one is asked for (node, queue and load time)', () => {
    const d = route(REQUEST, world(8).view, policyByName('meridian'), new Rng(1), { explain: true });
    if (!d.ok) throw new Error(d.error.message);
    expect(d.receipt?.loadAhead).toEqual({ node: 'b', waitMs: 4500, loadMs: 16_000 });
  });

  it('starts none when a queues 3.5 s (< 0.25 × 16 s = 4 s)', () => {
    const d = decide(world(6).view);
    expect(d.primary).toBe('a');
    expect(d.loadAhead).toBeUndefined();
  });

  it('starts none where the load would evict: b holds big (140 + 40 > 160 GB)', () => {
    const d = decide(world(8, [{ model: 'big', tier: 'gpu' }]).view);
    expect(d.loadAhead).toBeUndefined();
  });

  it('starts one load at a time: the second decision on the same view sees the first in view.loadsAhead, and a snapshot with b loading mid starts none', () => {
    const { state, view } = world(8);
    expect(decide(view).loadAhead?.node).toBe('b');
    expect(view.loadsAhead[1]).toBe(1);
    expect(decide(view).loadAhead).toBeUndefined();
    state.setLoading(1, 1, 16_000, 0);
    const next = state.refresh(view, 0);
    expect(next.loadsAhead[1]).toBe(-1);
    expect(decide(next).loadAhead).toBeUndefined();
  });

  it('takes the node fastest once loaded: with a queue of 12.5 s both b (16 s) and c (40 s) qualify, and b is nearer the Frankfurt client', () => {
    const d = decide(world(24, [], true).view);
    expect(d.primary).toBe('a');
    expect(d.loadAhead).toMatchObject({ node: 'b', waitMs: 12_500 });
  });

  it('starts none where the profile leaves it off (meridian with warmset.loadAhead false)', () => {
    const meridian = policyByName('meridian');
    const off: Policy = {
      ...meridian,
      spec: { ...meridian.spec, warmset: { ...meridian.spec.warmset, loadAhead: false } },
    };
    const { view } = world(8);
    expect(decide(view, off).loadAhead).toBeUndefined();
    expect(view.loadsAhead[1]).toBe(-1);
  });
});
