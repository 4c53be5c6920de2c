/** Builders for routing tests: small networks written in code from the src/model schemas. */
import { metroById } from '../src/geo/metros.js';
import { Model, type ModelInput } from '../src/model/model.js';
import { Node, type NodeInput } from '../src/model/node.js';
import { Request, type RequestInput } from '../src/model/request.js';

export interface NodeSpec {
  id: string;
  metro: string;
  provider: string;
  operator?: string;
  asn?: number;
  country?: string;
  accelerator?: NodeInput['hardware']['accelerator'];
  count?: number;
  memoryGb?: number;
  roles?: NodeInput['roles'];
  models?: NodeInput['models'];
  slots?: number;
  verification?: NodeInput['verification'];
  price?: number;
}

/** A node at the catalog centre of its metro; operator and ASN default to unique per node. */
export function node(spec: NodeSpec): Node {
  const metro = metroById(spec.metro);
  if (!metro) throw new Error(`unknown metro ${spec.metro}`);
  return Node.parse({
    id: spec.id,
    roles: spec.roles ?? ['inference'],
    location: { lat: metro.lat, lon: metro.lon, metro: spec.metro },
    labels: {
      provider: spec.provider,
      asn: spec.asn ?? `asn-${spec.id}`,
      datacenter: `${spec.provider}-${spec.metro}`,
      operator: spec.operator ?? `op-${spec.id}`,
      country: spec.country ?? metro.country,
    },
    hardware: {
      accelerator: spec.accelerator ?? 'h100',
      count: spec.count ?? 8,
      memoryGb: spec.memoryGb ?? 80,
    },
    models: spec.models ?? [],
    slots: spec.slots ?? 8,
    verification: spec.verification ?? ['vanilla'],
    pricePer1kTokens: spec.price ?? 0,
  } satisfies NodeInput);
}

export function model(input: ModelInput): Model {
  return Model.parse(input);
}

/** A client request from the centre of `metro`. */
export function request(metro: string, rest: Partial<RequestInput> & { model: string }): Request {
  const m = metroById(metro)!;
  return Request.parse({
    client: { lat: m.lat, lon: m.lon, metro },
    inputTokens: 1000,
    outputTokens: 200,
    ...rest,
  } satisfies RequestInput);
}

/** The 70B model of the seed story: 140 GB of weights; faster on H100 than on A100-80. */
export const LLAMA_70B = model({
  id: 'llama-70b',
  kind: 'llm',
  weightsGb: 140,
  performance: {
    h100: { prefillMsPer1k: 60, decodeMsPerToken: 20, decodeSlope: 0.02 },
    'a100-80': { prefillMsPer1k: 150, decodeMsPerToken: 35, decodeSlope: 0.02 },
  },
  verification: [
    { mode: 'vanilla', costFactor: 1, verifyMs: 0 },
    { mode: 'tee', costFactor: 1.1, verifyMs: 5 },
  ],
});

/** A small model whose 6 GB load from host RAM (20 GB/s) takes 0.3 s. */
export const SMALL_3B = model({
  id: 'small-3b',
  kind: 'llm',
  weightsGb: 6,
  performance: {
    h100: { prefillMsPer1k: 10, decodeMsPerToken: 6, decodeSlope: 0.02 },
    'a100-80': { prefillMsPer1k: 25, decodeMsPerToken: 10, decodeSlope: 0.02 },
  },
});
