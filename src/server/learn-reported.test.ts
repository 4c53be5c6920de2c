import { describe, expect, it } from 'vitest';
import { metroById } from '../geo/metros.js';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { NetworkState } from '../network/state.js';
import { type HeartbeatInput, HeartbeatPayload } from '../wire/protocol.js';
import { learnFromReport } from './learn-reported.js';

/** One h100 node in Frankfurt with 8 slots; models a and b at 10 ms per token, slope 0.02. */
const PERF = { h100: { prefillMsPer1k: 50, decodeMsPerToken: 10, decodeSlope: 0.02 } };
const MODELS = ['a', 'b'].map((id) => Model.parse({ id, kind: 'llm', weightsGb: 16, performance: PERF }));

function setup() {
  const m = metroById('frankfurt')!;
  const node = Node.parse({
    id: 'n1',
    roles: ['inference'],
    location: { lat: m.lat, lon: m.lon, metro: 'frankfurt' },
    labels: { provider: 'aws', asn: 'x', datacenter: 'x', operator: 'x', country: 'DE' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    slots: 8,
    models: [
      { model: 'a', tier: 'gpu' },
      { model: 'b', tier: 'gpu' },
    ],
  });
  return NetworkState.fromScenario({ nodes: [node], models: MODELS });
}

function heartbeat(over: Partial<HeartbeatInput>) {
  return HeartbeatPayload.parse({
    nodeId: 'n1',
    seq: 1,
    sentAt: 1,
    models: [{ id: 'a', state: 'warm' }],
    slots: 8,
    inFlight: 1,
    queue: 0,
    ...over,
  });
}

describe('a node reporting its own decode speed', () => {
  it('20 ms per token at batch 1 against the catalog 10 ms, 30 heartbeats: the learned decode factor is 2 ± 10%', () => {
    const state = setup();
    for (let k = 0; k < 30; k++)
      expect(
        learnFromReport(state.learning, state.topology, 0, heartbeat({ decodeMsPerToken: 20 }), k * 1000),
      ).toBe(true);
    expect(Math.abs(state.learning.speed.decode.factor(0) - 2)).toBeLessThan(0.2);
  });

  it('compares at the reported batch: 4 running → catalog 10 × (1 + 0.02 × 3) = 10.6 ms, so 21.2 ms is a factor 2', () => {
    const state = setup();
    for (let k = 0; k < 30; k++)
      learnFromReport(
        state.learning,
        state.topology,
        0,
        heartbeat({ decodeMsPerToken: 21.2, inFlight: 4 }),
        k * 1000,
      );
    expect(Math.abs(state.learning.speed.decode.factor(0) - 2)).toBeLessThan(0.2);
  });

  it('learns nothing without a measurement, with two warm models or none (whose speed is it?), or for an unknown node', () => {
    const state = setup();
    const none = heartbeat({});
    const two = heartbeat({
      decodeMsPerToken: 20,
      models: [
        { id: 'a', state: 'warm' },
        { id: 'b', state: 'warm' },
      ],
    });
    const cold = heartbeat({ decodeMsPerToken: 20, models: [{ id: 'a', state: 'localDisk' }] });
    for (const hb of [none, two, cold])
      expect(learnFromReport(state.learning, state.topology, 0, hb, 0)).toBe(false);
    expect(learnFromReport(state.learning, state.topology, -1, heartbeat({ decodeMsPerToken: 20 }), 0)).toBe(
      false,
    );
    expect(state.learning.speed.decode.samples(0)).toBe(0);
  });
});
