import { describe, expect, it } from 'vitest';
import { emptyTerms, estimateTerms } from '../estimate/candidate.js';
import { estimateParams } from '../estimate/params.js';
import { emptyTiming, expectedTiming } from '../estimate/timing.js';
import { metroById } from '../geo/metros.js';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { Request } from '../model/request.js';
import { NetworkState } from '../network/state.js';
import { compileQuery, RouteQuery } from './query.js';

/** The expected timing the gateway's time limits follow: first token, per token, last token. */

const perf = { prefillMsPer1k: 50, decodeMsPerToken: 10, decodeSlope: 0.02 };
const MODEL = Model.parse({ id: 'm', kind: 'llm', weightsGb: 40, performance: { h100: perf } });

function setup(running: number) {
  const f = metroById('frankfurt')!;
  const node = Node.parse({
    id: 'a',
    roles: ['inference'],
    location: { lat: f.lat, lon: f.lon, metro: 'frankfurt' },
    labels: { provider: 'p', asn: 'x', datacenter: 'd', operator: 'o', country: 'DE' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    slots: 8,
    models: [{ model: 'm', tier: 'gpu' }],
  });
  const state = NetworkState.fromScenario({ nodes: [node], models: [MODEL] });
  state.setLoad(0, running, 0, 0);
  const view = state.snapshot(0);
  const q = new RouteQuery(estimateParams());
  const req = Request.parse({
    model: 'm',
    client: { lat: f.lat, lon: f.lon, metro: 'frankfurt' },
    inputTokens: 2000,
    outputTokens: 100,
  });
  compileQuery(q, req, view);
  return { view, q };
}

describe('expected timing of a candidate', () => {
  it('idle node: 10 ms per token; first token after rtt + 2,000-token prefill (100 ms) + 1 token; last = the estimate', () => {
    const { view, q } = setup(0);
    const t = expectedTiming(view, q, 0, emptyTiming());
    const terms = estimateTerms(view, q, 0, emptyTerms());
    expect(t.perTokenMs).toBeCloseTo(10, 9);
    expect(t.firstTokenMs).toBeCloseTo(terms.rttMs + terms.queueMs + 100 + 10, 9);
    expect(t.totalMs).toBeCloseTo(terms.totalMs, 9);
    expect(t.totalMs - t.firstTokenMs).toBeCloseTo(99 * 10, 9);
  });

  it('in a batch of 5 (4 running + this one) each token takes 10 × (1 + 0.02 × 4) = 10.8 ms', () => {
    const { view, q } = setup(4);
    expect(expectedTiming(view, q, 0, emptyTiming()).perTokenMs).toBeCloseTo(10.8, 9);
  });
});
