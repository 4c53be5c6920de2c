import { describe, expect, it } from 'vitest';
import { Model } from '../model/model.js';
import { Node } from '../model/node.js';
import { AttemptStore } from './attempts.js';
import { EventQueue } from './event-queue.js';
import type { ClientMetro } from './input.js';
import { SimNetwork } from './network.js';
import { NodeModel } from './node-model.js';
import { type Bound, Oracle } from './oracle.js';
import { TruthRtt } from './truth-rtt.js';

const CLIENT: ClientMetro = {
  id: 'frankfurt',
  lat: 50.11,
  lon: 8.68,
  region: 'europe',
  utcOffsetHours: 1,
  weight: 1,
};

function node(
  id: string,
  lat: number,
  lon: number,
  accelerator: 'h100' | 'l4',
  tier: 'gpu' | 'localDisk',
  verification = ['vanilla'],
) {
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat, lon, metro: id },
    labels: { provider: id, asn: id, datacenter: id, operator: id, country: 'DE' },
    hardware: { accelerator, count: 1, memoryGb: 80 },
    storage: { localDiskGBps: 2 },
    verification,
    models: [{ model: 'm', tier }],
  });
}

/** The geo RTT model written out independently: 2·km / 204 km/ms × 1.8834 + 8.755 ms. */
function rtt(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * r) / 2) ** 2 +
    Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(((b.lon - a.lon) * r) / 2) ** 2;
  const km = 2 * 6371.0088 * Math.asin(Math.sqrt(h));
  return ((2 * km) / 204) * 1.8834 + 8.755;
}

describe('Oracle (clairvoyant lower bound)', () => {
  // near: cold (20 GB from disk at 2 GB/s = 10 s); mid: warm L4 (slow); far: warm H100 with TEE
  const nodes = [
    node('near', 50.11, 8.68, 'h100', 'localDisk'),
    node('mid', 52.37, 4.9, 'l4', 'gpu'),
    node('far', 48.86, 2.35, 'h100', 'gpu', ['vanilla', 'tee']),
  ];
  const model = Model.parse({
    id: 'm',
    kind: 'llm',
    weightsGb: 20,
    performance: {
      h100: { prefillMsPer1k: 50, decodeMsPerToken: 10 },
      l4: { prefillMsPer1k: 400, decodeMsPerToken: 40 },
    },
    verification: [
      { mode: 'vanilla', costFactor: 1 },
      { mode: 'tee', costFactor: 1.5, verifyMs: 5 },
    ],
  });
  const net = SimNetwork.of(nodes, [model]);
  const truth = new TruthRtt([CLIENT], nodes, 1, 0);
  const oracle = new Oracle(net, truth, new NodeModel(net, new AttemptStore(4), new EventQueue(16)));
  const up = new Uint8Array([1, 1, 1]);
  const b: Bound = { e2e: 0, ttft: 0 };

  it('takes the best node that is up: RTT + initial cold start + prefill + decode at batch 1, no queue', () => {
    oracle.bound(0, 0, 2000, 100, 0, -1, up, b);
    const far = rtt(CLIENT, nodes[2]!.location) + 100 + 1000;
    const mid = rtt(CLIENT, nodes[1]!.location) + 800 + 4000;
    const near = rtt(CLIENT, nodes[0]!.location) + 10_000 + 100 + 1000;
    expect(b.e2e).toBeCloseTo(Math.min(far, mid, near), 9);
    expect(b.e2e).toBeCloseTo(far, 9);
    // TTFT: the same minimum over RTT + cold start + prefill
    expect(b.ttft).toBeCloseTo(
      Math.min(rtt(CLIENT, nodes[1]!.location) + 800, rtt(CLIENT, nodes[2]!.location) + 100),
      9,
    );
  });

  it('skips nodes that are down and nodes without the verification mode, with its cost factor', () => {
    oracle.bound(0, 0, 2000, 100, 0, -1, new Uint8Array([1, 1, 0]), b);
    expect(b.e2e).toBeCloseTo(rtt(CLIENT, nodes[1]!.location) + 800 + 4000, 9);
    oracle.bound(0, 0, 2000, 100, 2, -1, up, b); // tee: only "far", 1.5× the service
    expect(b.e2e).toBeCloseTo(rtt(CLIENT, nodes[2]!.location) + 1.5 * 1100, 9);
    oracle.bound(0, 0, 2000, 100, 2, -1, new Uint8Array([1, 1, 0]), b);
    expect(b.e2e).toBe(Number.POSITIVE_INFINITY);
  });
});
