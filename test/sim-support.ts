import { rttMs } from '../src/geo/rtt-model.js';
import { type Model, Model as ModelSchema } from '../src/model/model.js';
import { type Node, Node as NodeSchema } from '../src/model/node.js';
import type { ClientMetro, SimInput } from '../src/sim/input.js';
import { VREQ } from '../src/sim/network.js';
import { DECIDE_FAILED, DECIDE_ROUTED, type RouterFactory } from '../src/sim/router-port.js';

/** Test helpers for the simulator: networks built in code and a trivial stand-in router. */

export const FRANKFURT: ClientMetro = {
  id: 'frankfurt',
  lat: 50.11,
  lon: 8.68,
  region: 'europe',
  utcOffsetHours: 1,
  weight: 1,
};
export const NEW_YORK: ClientMetro = {
  id: 'new-york',
  lat: 40.71,
  lon: -74.01,
  region: 'north-america',
  utcOffsetHours: -5,
  weight: 1,
};

export function testNode(
  id: string,
  at: { lat: number; lon: number; metro: string },
  extra: Partial<Record<string, unknown>> = {},
): Node {
  return NodeSchema.parse({
    id,
    roles: ['inference'],
    location: at,
    labels: {
      provider: `p-${id}`,
      asn: `a-${id}`,
      datacenter: `d-${id}`,
      operator: `o-${id}`,
      country: 'DE',
    },
    hardware: { accelerator: 'h100', count: 1, memoryGb: 80 },
    ...extra,
  });
}

export function testModel(
  id: string,
  perf: { prefillMsPer1k: number; decodeMsPerToken: number; decodeSlope?: number },
  weightsGb = 16,
): Model {
  return ModelSchema.parse({
    id,
    kind: 'llm',
    weightsGb,
    performance: { h100: { decodeSlope: 0, ...perf } },
  });
}

export function testInput(
  partial: Partial<SimInput> & Pick<SimInput, 'nodes' | 'models' | 'demand'>,
): SimInput {
  return {
    name: 'test',
    seed: 1,
    durationS: 60,
    stalenessMs: 1000,
    datasets: [],
    metros: [FRANKFURT],
    mix: {
      verification: { none: 1 },
      datasetShare: 0,
      fallbacks: 0,
      independenceDimensions: [],
      hedge: false,
    },
    failures: [],
    policies: ['stand-in'],
    ...partial,
  };
}

/**
 * Stand-in router (tests only): the node with the smallest geo-model RTT among nodes that can serve the
 * model and were up at the last refresh (or not yet seen failing), with the next `fallbacks` as fallbacks.
 */
export const standInRouter: RouterFactory = ({ net, metros, truth, input }) => {
  const up = new Uint8Array(net.nodeCount).fill(1);
  const order = metros.map((m) =>
    net.nodes
      .map((n, i) => ({ i, ms: rttMs(m, n.location) }))
      .sort((a, b) => a.ms - b.ms || a.i - b.i)
      .map((x) => x.i),
  );
  return {
    refresh() {
      up.set(truth.up);
    },
    observeDown(node) {
      up[node] = 0;
    },
    decide(q, _now, out) {
      out.count = 0;
      for (const i of order[q.metro]!) {
        if (!up[i] || !net.capable[i * net.modelCount + q.model] || !net.nodeMode[i * VREQ + q.vreq])
          continue;
        out.nodes[out.count++] = i;
        if (out.count > input.mix.fallbacks) break;
      }
      out.status = out.count > 0 ? DECIDE_ROUTED : DECIDE_FAILED;
    },
  };
};

/** A node of `frankfurtScenarioYaml`: an h100 with model `m` resident. */
export interface YamlNode {
  id: string;
  metro: string;
  provider: string;
  slots?: number;
}

/**
 * Scenario YAML of one model `m` (h100: 100 ms per 1,000 prefill tokens, 10 ms per output token, slope
 * 0.1), resident on every node given, clients in Frankfurt at a flat `rps` with fixed token counts; `head`
 * adds top-level sections (`truth:`, `rtt:`).
 */
export function frankfurtScenarioYaml(o: {
  seed: number;
  durationS: number;
  head?: string;
  nodes: readonly YamlNode[];
  rps: number;
  input: number;
  output: number;
}): string {
  const nodes = o.nodes.map(
    (n) => `
    - id: ${n.id}
      location: { metro: ${n.metro} }
      labels: { provider: ${n.provider} }
      hardware: { accelerator: h100 }
      slots: ${n.slots ?? 8}
      models: [{ model: m, tier: gpu }]`,
  );
  return `
name: t
seed: ${o.seed}
durationS: ${o.durationS}
${o.head ?? ''}
network:
  nodes:${nodes.join('')}
models:
  custom:
    - id: m
      kind: llm
      weightsGb: 10
      performance: { h100: { prefillMsPer1k: 100, decodeMsPerToken: 10, decodeSlope: 0.1 } }
demand:
  totalRps: ${o.rps}
  metros: { frankfurt: 1 }
  diurnal: { amplitude: 0, peakLocalHour: 20 }
  tokens: { input: ${o.input}, output: ${o.output} }
policies: [meridian]
`;
}
