import { serviceMs } from '../estimate/service.js';
import { dimensionCodes, NO_LABEL } from '../model/label-codes.js';
import { TIER_GPU, TIER_HOST_RAM } from '../network/dynamics.js';
import type { NetworkView } from '../network/view.js';
import { planWarmSets, UNDONE_BLOCK_HORIZONS, type WarmSetNode } from '../warmset/controller.js';
import type { WarmSetParams } from '../warmset/params.js';
import type { WarmSetRecord } from './metrics.js';
import { ModelRates } from './model-rates.js';
import type { SimNetwork } from './network.js';
import type { NodeModel } from './node-model.js';

/** One order of the controller, by dense node and model index, as the simulation carries it out. */
export interface WarmOrder {
  readonly kind: 'load' | 'unload';
  readonly node: number;
  readonly model: number;
  readonly reason: string;
}

/** The client metros requests come from: ids, and each one's index in the topology's metro table (or −1). */
export interface ClientPlaces {
  readonly ids: readonly string[];
  readonly table: Int32Array;
}

/**
 * The warm-set controller as the coordinator runs it, inside the simulator: it sees only what the
 * coordinator would know — the requests that arrived (per model, forecast by `ModelRates`, and per
 * client metro and model, whose forecasts split each model's rate by place) and the
 * router's view of the network (which models are resident or loading where, health) over the static
 * topology (memory, slots, capability, catalog speeds and load bandwidths) — and returns the controller's
 * orders for the simulation to carry out on the true nodes.
 */
export class WarmSetLoop {
  readonly periodMs: number;
  private readonly rates: ModelRates;
  /** Arrivals per `client metro × models + model`, forecast the same way; only their shares are used. */
  private readonly places: ModelRates;
  private readonly domains: string[];
  /** Requests the router sent per `node × models + model` since the previous plan. */
  private readonly routedCount: Float64Array;
  /**
   * Per `node × models + model`: the rate the router sent requests, requests/s, averaged exponentially
   * with a time constant of the horizon (the span the plan prices an eviction over).
   */
  private readonly routedRps: Float64Array;
  private routedSinceMs = 0;
  /** Per `node × models + model`: when this loop last ordered the model loaded there (−Infinity: never). */
  private readonly loadedAtMs: Float64Array;
  private inputSum = 0;
  private outputSum = 0;
  private arrivals = 0;

  constructor(
    private readonly net: SimNetwork,
    private readonly params: WarmSetParams,
    private readonly clients: ClientPlaces = { ids: [], table: new Int32Array(0) },
  ) {
    this.periodMs = params.periodS * 1000;
    this.rates = new ModelRates(net.modelCount, params.horizonS * 1000, params.coverage);
    this.places = new ModelRates(
      clients.ids.length * net.modelCount,
      params.horizonS * 1000,
      params.coverage,
    );
    const codes = dimensionCodes(
      net.nodes.map((n) => n.labels),
      params.domain,
    );
    this.routedCount = new Float64Array(net.nodeCount * net.modelCount);
    this.routedRps = new Float64Array(net.nodeCount * net.modelCount);
    this.loadedAtMs = new Float64Array(net.nodeCount * net.modelCount).fill(Number.NEGATIVE_INFINITY);
    this.domains = Array.from(codes.codes, (c) => (c === NO_LABEL ? '' : codes.values[c]!));
  }

  /** A request for model `m` from client metro `metro` with these token counts arrived at `nowMs`. */
  observe(m: number, metro: number, inputTokens: number, outputTokens: number, nowMs: number): void {
    this.rates.observe(m, nowMs);
    if (metro >= 0 && metro < this.clients.ids.length)
      this.places.observe(metro * this.net.modelCount + m, nowMs);
    this.inputSum += inputTokens;
    this.outputSum += outputTokens;
    this.arrivals++;
  }

  /** The router sent a request for model `m` to node `n` (the coordinator's own routing decisions). */
  routed(n: number, m: number): void {
    this.routedCount[n * this.net.modelCount + m]!++;
  }

  /** The controller's orders for the network as `view` shows it at `nowMs`, in the order to carry them out. */
  plan(view: NetworkView, nowMs: number): WarmOrder[] {
    const net = this.net;
    const rps = this.rates.rates(nowMs);
    const split = this.byPlace(rps, nowMs);
    const models = net.models.map((m, k) => ({
      id: m.id,
      footprintGb: net.weightsGb[k]!,
      rps: rps[k]!,
      ...(split[k] && { regionRps: split[k] }),
    }));
    this.updateRouted(nowMs);
    // Nodes in one metro share one round-trip array (the plan prices a place once).
    const places = new Map<number, number[]>();
    const nodes = net.nodes.map((node, n) => {
      const col = view.topology.nodeMetro[n]!;
      let rttMs = places.get(col);
      if (rttMs === undefined) places.set(col, (rttMs = this.rttOf(view, col)));
      return { ...this.nodeOf(view, node.id, n, nowMs), rttMs };
    });
    const actions = planWarmSets({
      horizonMs: this.params.horizonS * 1000,
      margin: this.params.margin,
      models,
      nodes,
      regions: this.clients.ids,
      reachMs: this.params.reachMs,
    });
    const orders = actions.map((a) => ({
      kind: a.kind,
      node: net.nodeIndex.get(a.node)!,
      model: net.modelIndex.get(a.model)!,
      reason: a.reason,
    }));
    for (const o of orders)
      this.loadedAtMs[o.node * net.modelCount + o.model] =
        o.kind === 'load' ? nowMs : Number.NEGATIVE_INFINITY;
    return orders;
  }

  /**
   * Each model's rate split by client metro in proportion to the metros' own forecasts (undefined for a
   * model no metro has a forecast for yet).
   */
  private byPlace(rps: Float64Array, nowMs: number): (number[] | undefined)[] {
    const M = this.net.modelCount;
    const R = this.clients.ids.length;
    const f = this.places.rates(nowMs);
    return Array.from(rps, (total, m) => {
      let sum = 0;
      for (let r = 0; r < R; r++) sum += f[r * M + m]!;
      if (!(sum > 0)) return undefined;
      return Array.from({ length: R }, (_, r) => (total * f[r * M + m]!) / sum);
    });
  }

  /**
   * Round trip from each client metro to the nodes of metro column `col` as the router estimates it (0
   * for a metro it cannot place).
   */
  private rttOf(view: NetworkView, col: number): number[] {
    const table = view.topology.metros;
    return Array.from(this.clients.table, (row) =>
      row < 0 ? 0 : view.dyn.metroRtt[row * table.nodeMetroCount + col]!,
    );
  }

  /** Folds the requests routed since the previous plan into the averaged rates. */
  private updateRouted(nowMs: number): void {
    const spanS = Math.max(1, (nowMs - this.routedSinceMs) / 1000);
    const keep = Math.exp(-spanS / this.params.horizonS);
    const counts = this.routedCount;
    const rps = this.routedRps;
    for (let c = 0; c < rps.length; c++) rps[c] = keep * rps[c]! + ((1 - keep) * counts[c]!) / spanS;
    counts.fill(0);
    this.routedSinceMs = nowMs;
  }

  /** Node `n` as the controller sees it: memory, slots, domain, warm set and per-model load and service times. */
  private nodeOf(view: NetworkView, id: string, n: number, nowMs: number): WarmSetNode {
    const net = this.net;
    const M = net.modelCount;
    const dyn = view.dyn;
    const usable = net.inference[n] === 1 && dyn.healthy[n] === 1;
    const api = net.isApi[n] === 1;
    const warm: number[] = [];
    const loadMs: (number | undefined)[] = new Array(M).fill(undefined);
    const service: (number | undefined)[] = new Array(M).fill(undefined);
    const servedRps: (number | undefined)[] = new Array(M).fill(undefined);
    const input = this.arrivals > 0 ? this.inputSum / this.arrivals : 0;
    const output = this.arrivals > 0 ? this.outputSum / this.arrivals : 0;
    for (let m = 0; m < M && usable; m++) {
      const c = n * M + m;
      if (!net.capable[c]) continue;
      const tier = dyn.tier[c]!;
      const resident = tier === TIER_GPU || dyn.loadingModel[n] === m;
      if (resident) warm.push(m);
      servedRps[m] = this.routedRps[c]!;
      // A proxy cannot load or unload; a resident model would come back from host RAM. A model this loop
      // loaded here less than UNDONE_BLOCK_HORIZONS horizons ago and that is gone again is not loaded
      // again yet: what undid it (the router's loads for other models, or a later plan) would likely undo
      // the next.
      const recent =
        !resident && nowMs - this.loadedAtMs[c]! < UNDONE_BLOCK_HORIZONS * this.params.horizonS * 1000;
      if (!api && !recent) loadMs[m] = net.loadMs(n, m, Math.max(tier, TIER_HOST_RAM));
      const cell = net.perfCell(m, n);
      const cf = net.topology.timeFactor(m, n);
      service[m] = serviceMs(
        input,
        output,
        net.prefillPer1k[cell]!,
        net.decodePerToken[cell]!,
        net.decodeSlope[cell]!,
        1,
        cf,
      );
    }
    return {
      id,
      memoryGb: api ? Number.POSITIVE_INFINITY : net.memoryGb[n]!,
      slots: usable ? net.slots[n]! : 0,
      domain: this.domains[n]!,
      maxResident: Number.POSITIVE_INFINITY,
      warm,
      loadMs,
      serviceMs: service,
      servedRps,
    };
  }
}

/** Carries out `orders` on the true nodes at `nowMs`, in order, and records each with whether it was done. */
export function carryOut(
  orders: readonly WarmOrder[],
  nodes: NodeModel,
  net: SimNetwork,
  nowMs: number,
  record: WarmSetRecord,
): void {
  for (const o of orders) {
    const done = o.kind === 'load' ? nodes.preload(o.node, o.model, nowMs) : nodes.unload(o.node, o.model);
    record.actions.push({
      tMs: nowMs,
      kind: o.kind,
      node: net.nodes[o.node]!.id,
      model: net.models[o.model]!.id,
      reason: o.reason,
      done,
    });
  }
}
