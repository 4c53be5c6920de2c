import { describe, expect, it } from 'vitest';
import {
  coldStartTerm,
  emptyTerms,
  estimateTerms,
  estimateTotalMs,
  evictionPriceMs,
  queueTerm,
  rttTerm,
  serviceTerm,
  uncertaintyTerm,
} from '../estimate/candidate.js';
import { completionCostMs } from '../estimate/completion.js';
import { estimateParams } from '../estimate/params.js';
import { metroById } from '../geo/metros.js';
import { RTT_MODEL } from '../geo/rtt-model.js';
import { Model } from '../model/model.js';
import { Node, type NodeInput } from '../model/node.js';
import { Request } from '../model/request.js';
import { NetworkState } from '../network/state.js';
import { compileQuery, RouteQuery } from './query.js';

const perf = { prefillMsPer1k: 50, decodeMsPerToken: 10, decodeSlope: 0.02 };
const MODELS = [
  Model.parse({ id: 'big', kind: 'llm', weightsGb: 140, performance: { h100: perf } }),
  Model.parse({ id: 'mid', kind: 'llm', weightsGb: 40, performance: { h100: perf } }),
];

function node(id: string, models: NodeInput['models'] = []): Node {
  const m = metroById('frankfurt')!;
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro: 'frankfurt' },
    labels: { provider: id, asn: id, datacenter: id, operator: id, country: 'DE' },
    hardware: { accelerator: 'h100', count: 2, memoryGb: 80 },
    models,
  });
}

/** Node a (2 × 80 GB) in Frankfurt, optionally a peer b there; a Frankfurt client asking for `big`. */
function setup(aModels: NodeInput['models'], withPeer: boolean, viewAtMs = 0) {
  const nodes = [node('a', aModels), ...(withPeer ? [node('b', [{ model: 'big', tier: 'gpu' }])] : [])];
  const state = NetworkState.fromScenario({ nodes, models: MODELS });
  const q = new RouteQuery(estimateParams());
  const req = Request.parse({
    model: 'big',
    client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
    inputTokens: 1000,
    outputTokens: 100,
  });
  return {
    state,
    q,
    req,
    view: () => {
      const v = state.snapshot(viewAtMs);
      compileQuery(q, req, v);
      return v;
    },
  };
}

describe('cold start of a candidate', () => {
  it('loads 140 GB from the remote store at 1 GB/s: 140 s', () => {
    const { view, q } = setup([], false);
    expect(coldStartTerm(view(), q, 0)).toBe(140_000);
  });

  it('copies from a peer in the same metro that has it resident: 140 GB at 2.5 GB/s = 56 s', () => {
    const { view, q } = setup([], true);
    expect(coldStartTerm(view(), q, 0)).toBe(56_000);
  });

  it('adds the eviction when the weights do not fit beside what is resident (40 + 140 > 160 GB)', () => {
    const { view, q } = setup([{ model: 'mid', tier: 'gpu' }], false);
    expect(coldStartTerm(view(), q, 0)).toBe(140_500);
  });

  it('waits for the running requests of the model it evicts: 2 of 6 s end after 6 × 1.5 = 9 s, then 0.5 s + 140 s', () => {
    const { state, view, q } = setup([{ model: 'mid', tier: 'gpu' }], false);
    state.setLoad(0, 2, 0, 0, 6000);
    expect(coldStartTerm(view(), q, 0)).toBeCloseTo(9000 + 500 + 140_000, 9);
  });

  it('does not wait for running requests when the weights fit beside them (2 running, 140 of 160 GB free)', () => {
    const { state, view, q } = setup([], false);
    state.setLoad(0, 2, 0, 0, 6000);
    expect(coldStartTerm(view(), q, 0)).toBe(140_000);
  });

  it('is the remaining time of a load in progress, aged by the report (30 s reported 10 s ago → 20 s)', () => {
    const { state, view, q } = setup([], false, 10_000);
    state.setLoading(0, 0, 30_000, 0);
    expect(coldStartTerm(view(), q, 0)).toBe(20_000);
  });

  it('waits for a load of another model first (5 s left of mid, then 140 s of big, then evict as 40 + 140 > 160)', () => {
    const { state, view, q } = setup([], false);
    state.setLoading(0, 1, 5000, 0);
    expect(coldStartTerm(view(), q, 0)).toBe(5000 + 500 + 140_000);
  });
});

describe('what a load that must evict costs others (evictionPriceMs)', () => {
  /** Node a holds `aModels`; b, when given, holds `bModels` in Frankfurt too; a Frankfurt client asks for big. */
  function price(aModels: NodeInput['models'], bModels?: NodeInput['models']) {
    const nodes = [node('a', aModels), ...(bModels ? [node('b', bModels)] : [])];
    const state = NetworkState.fromScenario({ nodes, models: MODELS });
    const q = new RouteQuery(estimateParams());
    const v = state.snapshot(0);
    compileQuery(
      q,
      Request.parse({
        model: 'big',
        client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
        inputTokens: 1000,
        outputTokens: 100,
      }),
      v,
    );
    return evictionPriceMs(v, q, 0);
  }

  it('charges the reload of the model it evicts when no other node in the metro holds it: mid, 40 GB from disk at 3 GB/s = 13.3 s (40 + 140 > 160 GB)', () => {
    expect(price([{ model: 'mid', tier: 'gpu' }])).toBeCloseTo(40_000 / 3, 9);
  });

  it('charges nothing when another node in the metro holds mid resident (its requests go there)', () => {
    expect(price([{ model: 'mid', tier: 'gpu' }], [{ model: 'mid', tier: 'gpu' }])).toBe(0);
  });

  it('charges nothing when big fits beside what is resident (nothing resident, 140 of 160 GB)', () => {
    expect(price([{ model: 'mid', tier: 'hostRam' }])).toBe(0);
  });
});

describe('the wait to start on a cold node', () => {
  // 8 running and 8 queued on the node's 8 slots, 4 s each: (8 + 8 − 8 + 1) / 8 × 4 s = 4.5 s.
  function busy(aModels: NodeInput['models']) {
    const { state, view, q } = setup(aModels, false);
    state.setLoad(0, 8, 8, 0, 4000);
    const v = view();
    const rest = rttTerm(v, q, 0) + serviceTerm(v, q, 0);
    return { wait: estimateTotalMs(v, q, 0) - rest, queue: queueTerm(v, q, 0), cold: coldStartTerm(v, q, 0) };
  }

  it('overlaps the queue with a load that fits beside what is resident: 140 s of load over a 4.5 s queue counts 140 s', () => {
    const { wait, queue, cold } = busy([]);
    expect(queue).toBe(4500);
    expect(cold).toBe(140_000);
    expect(wait).toBeCloseTo(140_000, 6);
  });

  it('adds them when the load must evict first (40 + 140 > 160 GB): 4.5 s + 8 running draining in 4 s × H(8) = 10.87 s + 140.5 s', () => {
    const { wait, queue, cold } = busy([{ model: 'mid', tier: 'gpu' }]);
    expect(wait).toBeCloseTo(queue + cold, 6);
    expect(wait).toBeCloseTo(4500 + 4000 * (761 / 280) + 140_500, 6);
  });
});

describe('the completion-time cost', () => {
  it('equals the five terms plus risk × uncertainty, for fresh, stale, busy and loading nodes', () => {
    const { state, view, q } = setup([{ model: 'big', tier: 'hostRam' }], true, 20_000);
    state.setLoad(0, 9, 12, 3_000, 2500);
    state.setLoad(1, 2, 0, 19_000);
    const v = view();
    for (const i of [0, 1]) {
      for (const risk of [0, 0.5, 2]) {
        const expected = estimateTotalMs(v, q, i) + risk * uncertaintyTerm(v, q, i);
        expect(completionCostMs(v, q, i, risk)).toBeCloseTo(expected, 9);
      }
    }
  });

  it("spreads a fresh report's queue by the wait's own randomness (4.5 s ± 1.5 s), and an aged one by its age too", () => {
    const { state, view, q } = setup([], false, 17_000);
    state.setLoad(0, 8, 8, 17_000, 4000); // fresh; the node has 8 slots
    const fresh = estimateTerms(view(), q, 0, emptyTerms());
    // queue: (8 + 8 − 8 + 1) / 8 × 4 s = 4.5 s, 9 slots to free at 0.5 s each: spread 0.5 s × √9 = 1.5 s;
    // plus the geo RTT error.
    expect(fresh.queueMs).toBe(4500);
    expect(fresh.uncertaintyMs).toBeCloseTo(1500 + 0.193 * RTT_MODEL.accessMs, 9);
    // 5 s old: half trusted; 5 of the 8 queued drained (5 s × 8 slots / 4 s × 0.5) → (8 + 3 − 8 + 1) / 8 × 4 s
    // = 2 s (4 slots to free: spread 0.5 s × 2 = 1 s).
    state.setLoad(0, 8, 8, 12_000, 4000);
    const stale = view();
    expect(queueTerm(stale, q, 0)).toBeCloseTo(2000, 9);
    expect(uncertaintyTerm(stale, q, 0)).toBeCloseTo(0.5 * 4500 + 1000 + 0.193 * RTT_MODEL.accessMs, 9);
  });
});
