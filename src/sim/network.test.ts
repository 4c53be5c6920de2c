import { describe, expect, it } from 'vitest';
import { Model } from '../model/model.js';
import { Node, type NodeInput } from '../model/node.js';
import { Topology } from '../network/topology.js';
import { SimNetwork, TIER_GPU, TIER_HOST_RAM, TIER_REMOTE, VREQ } from './network.js';

const perf = { prefillMsPer1k: 100, decodeMsPerToken: 10 };
const MODELS = [
  // 60 GB × 1.2 = 72 GB: fits one 80 GB H100 and 100 GB of host RAM, not 64 GB.
  Model.parse({
    id: 'llm',
    kind: 'llm',
    weightsGb: 60,
    performance: { h100: perf, cpu: perf, api: perf },
    verification: [{ mode: 'tee', costFactor: 1.07, verifyMs: 5 }],
  }),
  Model.parse({ id: 'vision', kind: 'onnx', weightsGb: 1, performance: { h100: perf } }),
];

function node(id: string, extra: Partial<NodeInput>): Node {
  return Node.parse({
    id,
    roles: ['inference'],
    location: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
    labels: { provider: 'p', asn: 1, datacenter: 'd', operator: 'o', country: 'DE' },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    ...extra,
  });
}

const NODES = [
  node('gpu', { verification: ['vanilla', 'tee'], models: [{ model: 'llm', tier: 'gpu' }] }),
  node('cpu-100', {
    hardware: { accelerator: 'cpu', count: 1, memoryGb: 0 },
    storage: { hostRamGb: 100 },
    models: [{ model: 'llm', tier: 'hostRam' }],
  }),
  node('cpu-64', { hardware: { accelerator: 'cpu', count: 1, memoryGb: 0 }, storage: { hostRamGb: 64 } }),
  node('proxy', {
    hardware: { accelerator: 'api', count: 0, memoryGb: 0 },
    models: [{ model: 'llm', tier: 'remote' }],
  }),
  node('verifier', { roles: ['full'] }),
];

describe('SimNetwork: the static simulated network read from the router’s compiled topology', () => {
  const topology = new Topology({ nodes: NODES, models: MODELS });
  const net = new SimNetwork(topology);

  it('shares the topology’s arrays instead of compiling the nodes and models a second time', () => {
    expect(net.topology).toBe(topology);
    expect(net.slots).toBe(topology.slots);
    expect(net.memoryGb).toBe(topology.memGb);
    expect(net.weightsGb).toBe(topology.models.weightsGb);
    expect(net.prefillPer1k).toBe(topology.models.prefillMsPer1k);
    expect(net.nodeIndex).toBe(topology.index);
  });

  it('capable = Topology.canServe: h100 both models; cpu 100 GB RAM the 60 GB llm; cpu 64 GB nothing; proxy only what it lists; verifier nothing', () => {
    const M = MODELS.length;
    const rows = NODES.map((_, i) => [net.capable[i * M]!, net.capable[i * M + 1]!]);
    expect(rows).toEqual([
      [1, 1],
      [1, 0],
      [0, 0],
      [1, 0],
      [0, 0],
    ]);
    expect(Array.from(net.capableNodes[0]!)).toEqual([0, 1, 3]);
    expect(Array.from(net.capableNodes[1]!)).toEqual([0]);
  });

  it('cpu nodes hold models in host RAM (100 GB), proxies are unbounded', () => {
    expect(Array.from(net.memoryGb)).toEqual([80, 100, 64, Number.POSITIVE_INFINITY, 80]);
  });

  it('starts from the router’s initial tiers: gpu, host RAM, remote; a proxy’s listed model is resident', () => {
    const M = MODELS.length;
    expect(net.initialTier[0 * M]).toBe(TIER_GPU);
    expect(net.initialTier[1 * M]).toBe(TIER_HOST_RAM);
    expect(net.initialTier[2 * M]).toBe(TIER_REMOTE);
    expect(net.initialTier[3 * M]).toBe(TIER_GPU);
  });

  it('verification by requirement (none, vanilla, tee, zkml): cost 1, 1, 1.07, NaN; only the tee node executes tee', () => {
    expect(Array.from(net.costFactor.subarray(0, VREQ))).toEqual([1, 1, 1.07, Number.NaN]);
    expect(Array.from(net.verifyMs.subarray(0, VREQ))).toEqual([0, 0, 5, 0]);
    expect(Array.from(net.nodeMode.subarray(0, VREQ))).toEqual([1, 1, 1, 0]);
    expect(Array.from(net.nodeMode.subarray(VREQ, 2 * VREQ))).toEqual([1, 1, 0, 0]);
  });
});
