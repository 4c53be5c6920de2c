import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { Rng } from '../util/rng.js';
import { AttemptStore } from './attempts.js';
import { EventQueue } from './event-queue.js';
import type { ClientMetro, SimInput } from './input.js';
import { SimNetwork } from './network.js';
import { NodeModel } from './node-model.js';
import { routingRouterFactory } from './route-adapter.js';
import { DECIDE_ROUTED, emptyDecision, emptyQuery, type SimOutcome } from './router-port.js';

/** The simulator's router learns through `observe`, the same estimators the gateway feeds. */

const PERF = {
  h100: { prefillMsPer1k: 50, decodeMsPerToken: 10, decodeSlope: 0.02 },
  'a100-80': { prefillMsPer1k: 75, decodeMsPerToken: 15, decodeSlope: 0.02 },
};

function node(id: string, accelerator: 'h100' | 'a100-80'): Node {
  const m = metroById('frankfurt')!;
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro: 'frankfurt' },
    labels: { provider: id, asn: id, datacenter: id, operator: id, country: 'DE' },
    hardware: { accelerator, count: 1, memoryGb: 80 },
    models: [{ model: 'm', tier: 'gpu' }],
  });
}

function setup(policy: string) {
  const models = [Model.parse({ id: 'm', kind: 'llm', weightsGb: 16, performance: PERF })];
  const net = SimNetwork.of([node('fast-catalog', 'h100'), node('slow-catalog', 'a100-80')], models);
  const fra = metroById('frankfurt')!;
  const metros: ClientMetro[] = [
    { id: 'frankfurt', lat: fra.lat, lon: fra.lon, region: 'EU', utcOffsetHours: 1, weight: 1 },
  ];
  const input = {
    mix: {
      verification: {},
      datasetShare: 0,
      fallbacks: 1,
      independenceDimensions: ['provider'],
      hedge: false,
    },
    datasets: [],
  } as unknown as SimInput;
  const truth = new NodeModel(net, new AttemptStore(16), new EventQueue(16));
  const router = routingRouterFactory({ input, net, metros, truth, policy, rng: new Rng(1) });
  const q = emptyQuery();
  q.input = 1000;
  q.output = 100;
  const out = emptyDecision();
  const primary = (now: number): number => {
    router.refresh(now);
    router.decide(q, now, out);
    expect(out.status).toBe(DECIDE_ROUTED);
    return out.nodes[0]!;
  };
  return { router, primary };
}

/** A completion on node 0 that decoded 3× slower than its catalog (10 → 30 ms per token). */
function slowOutcome(): SimOutcome {
  return {
    node: 0,
    outputTokens: 100,
    firstByteMs: 55,
    doneMs: 55 + 99 * 30,
    expected: { rttMs: 5, queueMs: 0, prefillMs: 50, decodeMsPerToken: 10 },
    clientMetro: 0,
    rttMs: 5,
  };
}

describe('simulated router learning through observe()', () => {
  it('moves meridian off a node whose decode is 3× slower than its catalog after 10 observed completions', () => {
    const { router, primary } = setup('meridian');
    expect(primary(0)).toBe(0);
    for (let k = 1; k <= 10; k++) router.observe!(slowOutcome(), k * 1000);
    expect(primary(11_000)).toBe(1);
  });
});
