import type { EstimateParams } from '../estimate/params.js';
import type { EstimateQuery } from '../estimate/query.js';
import { nearestPoint } from '../geo/nearest.js';
import type { LatLon } from '../model/common.js';
import type { Request } from '../model/request.js';
import { MODE_COUNT, MODE_INDEX, MODE_TEE, MODE_VANILLA, MODE_ZKML } from '../network/models.js';
import type { NetworkView } from '../network/view.js';

/** Why a request cannot be routed before any node is looked at. */
export interface QueryError {
  code: 'unknown_model' | 'unknown_dataset' | 'dataset_unavailable' | 'unsupported_verification';
  message: string;
}

/**
 * A request compiled against a view: ids resolved to dense indexes, constraints to codes. One instance
 * per policy is reused for every request (the hot path allocates nothing here).
 */
export class RouteQuery implements EstimateQuery {
  request: Request | undefined;
  model = -1;
  clientMetro = -1;
  /** Metro whose RTT order drives the candidate search: the client's, else the nearest to it. */
  anchorMetro = 0;
  client: LatLon = { lat: 0, lon: 0 };
  inputTokens = 0;
  outputTokens = 0;
  costFactor = 1;
  dataset = -1;
  params: EstimateParams;
  /** Bits `1 << mode` the executor must support (vanilla / tee / zkml). */
  needModes = 0;
  /** Mode the verifiers check in (dense index), or -1 when the request needs no verification. */
  verifyMode = -1;
  /** Allowed country codes (label codes of `country`); `countryCount` -1 = any country. */
  countries = new Int32Array(8);
  countryCount = -1;
  maxPrice = Number.POSITIVE_INFINITY;
  deadlineMs = Number.POSITIVE_INFINITY;
  fallbacks = 0;
  hedge = false;
  /** Dimension indexes on which primary and fallbacks must differ. */
  indepDims = new Int32Array(8);
  indepCount = 0;

  constructor(params: EstimateParams) {
    this.params = params;
  }
}

/** True when the request may only run in a TEE (`verification: tee` or `requireTee`). */
export function needsTee(request: Request): boolean {
  return (modesOf(request) & (1 << MODE_TEE)) !== 0;
}

function modesOf(request: Request): number {
  let bits = 0;
  if (request.verification === 'vanilla') bits |= 1 << MODE_VANILLA;
  if (request.verification === 'tee' || request.constraints.requireTee) bits |= 1 << MODE_TEE;
  if (request.verification === 'zkml') bits |= 1 << MODE_ZKML;
  return bits;
}

/** Fills `q` from `request` for `view`; returns why the request cannot be routed, or undefined. */
export function compileQuery(q: RouteQuery, request: Request, view: NetworkView): QueryError | undefined {
  const t = view.topology;
  q.request = request;
  const model = t.models.index.get(request.model);
  if (model === undefined) {
    return { code: 'unknown_model', message: `model "${request.model}" is not served by this network` };
  }
  q.model = model;
  q.inputTokens = request.inputTokens;
  q.outputTokens = request.outputTokens;
  q.client.lat = request.client.lat;
  q.client.lon = request.client.lon;
  const metro = request.client.metro === undefined ? undefined : t.metros.index.get(request.client.metro);
  q.clientMetro = metro ?? -1;
  q.anchorMetro = metro ?? Math.max(0, nearestPoint(t.metros.points, q.client).index);

  q.needModes = modesOf(request);
  const missing = q.needModes & ~t.models.modeBits[model]!;
  if (missing !== 0) {
    const names = [...MODE_INDEX].filter(([, k]) => missing & (1 << k)).map(([name]) => name);
    return {
      code: 'unsupported_verification',
      message: `model "${request.model}" does not support ${names.join(' and ')} execution`,
    };
  }
  q.costFactor = 1;
  for (let k = 0; k < MODE_COUNT; k++) {
    if (q.needModes & (1 << k)) q.costFactor *= t.models.costFactor[model * MODE_COUNT + k]!;
  }
  q.verifyMode = request.verification === 'none' ? -1 : MODE_INDEX.get(request.verification)!;

  const err = compileDataset(q, request, view);
  if (err) return err;

  const c = request.constraints;
  compileCountries(q, c.countries, view);
  q.maxPrice = c.maxPricePer1kTokens ?? Number.POSITIVE_INFINITY;
  q.deadlineMs = request.deadlineMs ?? Number.POSITIVE_INFINITY;
  q.fallbacks = c.independence.fallbacks;
  q.hedge = c.independence.hedge;
  const dims = c.independence.dimensions;
  if (q.indepDims.length < dims.length) q.indepDims = new Int32Array(dims.length);
  q.indepCount = 0;
  for (const d of dims) {
    const k = t.labels.dimIndex.get(d);
    if (k !== undefined) q.indepDims[q.indepCount++] = k;
  }
  return undefined;
}

function compileDataset(q: RouteQuery, request: Request, view: NetworkView): QueryError | undefined {
  q.dataset = -1;
  if (request.dataset === undefined) return undefined;
  const t = view.topology;
  const k = t.datasets.index.get(request.dataset);
  if (k === undefined) {
    return { code: 'unknown_dataset', message: `dataset "${request.dataset}" is not held by this network` };
  }
  const h = t.datasets.holders;
  for (let j = h.start[k]!; j < h.start[k + 1]!; j++) {
    if (view.dyn.healthy[h.items[j]!] === 1) {
      q.dataset = k;
      return undefined;
    }
  }
  return { code: 'dataset_unavailable', message: `no healthy node holds dataset "${request.dataset}"` };
}

function compileCountries(q: RouteQuery, countries: readonly string[] | undefined, view: NetworkView): void {
  if (countries === undefined) {
    q.countryCount = -1;
    return;
  }
  const t = view.topology;
  if (q.countries.length < countries.length) q.countries = new Int32Array(countries.length);
  q.countryCount = 0;
  const codes = t.countryDim >= 0 ? t.labels.valueIndex[t.countryDim] : undefined;
  for (const c of countries) {
    const code = codes?.get(c) ?? codes?.get(c.toUpperCase());
    if (code !== undefined) q.countries[q.countryCount++] = code;
  }
}
