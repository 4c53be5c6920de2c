import { transferMs } from '../estimate/cold-start.js';
import { serviceMs } from '../estimate/service.js';
import { residentFootprintGb } from '../model/capability.js';
import { ACCEL_API, ACCEL_COUNT } from '../network/models.js';
import type { Topology } from '../network/topology.js';
import type { WarmSetInput, WarmSetModel, WarmSetNode } from '../warmset/controller.js';
import type { ModelReport } from '../wire/protocol.js';

/**
 * The warm-set planner's input from the live network (units: ms, requests/s, GB):
 *
 *   - nodes: the healthy registered nodes, with their memory and slots as the topology compiled them,
 *     their independence domain (the value of one label dimension), and as warm the models they report
 *     warm or loading, changed by commands still open (a load sent counts as done);
 *   - load time of a model on a node: its weights at the bandwidth of the tier the node reports them in
 *     (host RAM, else local disk, also for a resident model were it evicted); a model the node does not report is not loadable there (the agent does not
 *     download), and a proxy (`api`) node loads nothing: its warm models count, it takes no command;
 *   - service time: prefill of the demand's mean prompt plus decode of `outputTokens`, at batch 1, on the
 *     node's accelerator (the catalog's figures, the router's physics);
 *   - models: every catalog model with forecast demand or warm somewhere, at its forecast rate;
 *   - served: what the gateway had each node serve of each model lately (`servedRps`), so an eviction
 *     charges those requests a reload there, as in the simulator;
 *   - a model the controller loaded on a node less than a horizon ago and that is gone again is not
 *     loadable there until the horizon has passed (`loadedLately`), as in the simulator;
 *   - place (with `places`): the client places demand comes from, each model's rate split over them, and
 *     each node's round trip from each place as the router's view has it (the metro table; 0 from a place
 *     the topology does not know, which then counts as near every node), as the simulator gives them.
 */

export interface LiveNode {
  id: string;
  slots: number;
  /** Independence domain: the value of the controller's label dimension. */
  domain: string;
  models: readonly ModelReport[];
}

export interface ModelDemand {
  /** Forecast arrival rate over the horizon, requests/s. */
  rps: number;
  /** Mean tokens per request (prompt + output) observed. */
  tokensPerRequest: number;
}

export interface WarmInputSources {
  topology: Topology;
  nodes: readonly LiveNode[];
  demand: ReadonlyMap<string, ModelDemand>;
  /** Output tokens assumed per request (the prompt is the rest of the observed mean). */
  outputTokens: number;
  horizonMs: number;
  margin?: number;
  maxResident: number;
  /** Whether open commands will leave `model` resident on `node` (undefined: no open command). */
  expected: (node: string, model: string) => boolean | undefined;
  /** Where demand comes from (none: the plan ignores place). */
  places?: PlaceSources;
  /**
   * Whether the controller loaded `model` on `node` less than a horizon ago (and ordered no unload since):
   * such a model, gone again, is not loadable there until the horizon has passed.
   */
  loadedLately?: (node: string, model: string) => boolean;
  /**
   * Requests/s the gateway had `node` serve of `model` lately: evicting the model charges each of them
   * a reload there (none: not priced).
   */
  servedRps?: (node: string, model: string) => number;
}

export interface PlaceSources {
  /** Per model id: forecast requests/s per client place (a metro id, or `unknown`). */
  rps: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Round trip from the clients of metro row `row` (of the topology's metro table) to node metro `col`, ms. */
  rttMs: (row: number, col: number) => number;
  /** Round trip within which a replica serves a place's demand, ms. */
  reachMs: number;
}

const TIER_STATES = new Set(['warm', 'loading', 'hostRam', 'localDisk']);

/**
 * Time to bring model m to accelerator memory on node i from where the node reports it, ms; a resident
 * model is priced as a reload from local disk (what it would cost once evicted).
 */
function loadMsOf(t: Topology, i: number, m: number, state: ModelReport['state']): number {
  const GBps = state === 'hostRam' ? t.hostRamGBps[i]! : t.localDiskGBps[i]!;
  return transferMs(t.models.weightsGb[m]!, GBps);
}

/** Mean service time of one request of model m on node i, ms; undefined when the catalog has no figures. */
function serviceMsOf(t: Topology, i: number, m: number, tokens: number, outputTokens: number): number {
  const k = m * ACCEL_COUNT + t.accel[i]!;
  const output = Math.min(outputTokens, tokens);
  const ms = serviceMs(
    Math.max(0, tokens - output),
    output,
    t.models.prefillMsPer1k[k]!,
    t.models.decodeMsPerToken[k]!,
    t.models.decodeSlope[k]!,
    1,
    1,
  );
  return ms * t.timeFactor(m, i);
}

export function warmSetInput(src: WarmInputSources): WarmSetInput {
  const t = src.topology;
  const wanted = new Set<string>();
  for (const [id, d] of src.demand) if (d.rps > 0 && t.models.index.has(id)) wanted.add(id);
  for (const n of src.nodes)
    for (const r of n.models)
      if ((r.state === 'warm' || r.state === 'loading') && t.models.index.has(r.id)) wanted.add(r.id);
  const ids = [...wanted].sort();
  const regions = src.places === undefined ? [] : placesOf(src.places, ids);
  const models: WarmSetModel[] = ids.map((id) => {
    const byPlace = src.places?.rps.get(id);
    return {
      id,
      footprintGb: residentFootprintGb(t.models.weightsGb[t.models.index.get(id)!]!),
      rps: src.demand.get(id)?.rps ?? 0,
      ...(byPlace && { regionRps: regions.map((r) => byPlace.get(r) ?? 0) }),
    };
  });
  const rttByMetro = new Map<number, number[]>();
  const rows = regions.map((r) => t.metros.index.get(r) ?? -1);
  /** Round trips from every place to node i; nodes of one metro share one array (the plan prices a place once). */
  const rttOf = (i: number): number[] | undefined => {
    if (src.places === undefined) return undefined;
    const col = t.nodeMetro[i]!;
    let rtt = rttByMetro.get(col);
    if (rtt === undefined) {
      const { rttMs } = src.places;
      rttByMetro.set(col, (rtt = rows.map((row) => (row < 0 ? 0 : rttMs(row, col)))));
    }
    return rtt;
  };
  const nodes: WarmSetNode[] = [];
  for (const n of src.nodes) {
    const i = t.index.get(n.id);
    if (i === undefined) continue;
    const reports = new Map(n.models.map((r) => [r.id, r]));
    const warm: number[] = [];
    const loadMs: (number | undefined)[] = [];
    const service: (number | undefined)[] = [];
    const served: number[] = [];
    ids.forEach((id, k) => {
      const m = t.models.index.get(id)!;
      const r = reports.get(id);
      const resident = src.expected(n.id, id) ?? (r?.state === 'warm' || r?.state === 'loading');
      if (resident) warm.push(k);
      const capable = t.canServe(i, m) && t.models.served[m * ACCEL_COUNT + t.accel[i]!] === 1;
      // A load this controller made that is gone again (another model's requests displaced it) would
      // likely be undone again: not repeated within the horizon it was priced over.
      const undone = !resident && src.loadedLately?.(n.id, id) === true;
      const loadable =
        capable && t.accel[i] !== ACCEL_API && r !== undefined && TIER_STATES.has(r.state) && !undone;
      loadMs.push(loadable ? loadMsOf(t, i, m, r.state) : undefined);
      const tokens = src.demand.get(id)?.tokensPerRequest ?? src.outputTokens;
      service.push(capable || resident ? serviceMsOf(t, i, m, tokens, src.outputTokens) : undefined);
      served.push(src.servedRps?.(n.id, id) ?? 0);
    });
    const rttMs = rttOf(i);
    nodes.push({
      id: n.id,
      memoryGb: t.memGb[i]!,
      slots: n.slots,
      domain: n.domain,
      maxResident: src.maxResident,
      warm,
      loadMs,
      serviceMs: service,
      ...(src.servedRps && { servedRps: served }),
      ...(rttMs && { rttMs }),
    });
  }
  return {
    horizonMs: src.horizonMs,
    models,
    nodes,
    ...(src.margin === undefined ? {} : { margin: src.margin }),
    ...(src.places && { regions, reachMs: src.places.reachMs }),
  };
}

/** Every place any listed model has forecast demand from, sorted. */
function placesOf(places: PlaceSources, ids: readonly string[]): string[] {
  const all = new Set<string>();
  for (const id of ids) for (const r of places.rps.get(id)?.keys() ?? []) all.add(r);
  return [...all].sort();
}
