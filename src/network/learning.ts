import type { FactorFilterOptions } from '../learn/factor-filters.js';
import { LOAD_TIERS, NodeSpeed, type ServedOutcome } from '../learn/node-speed.js';
import { RttLearner, type RttLearnerOptions } from '../learn/rtt-learner.js';
import type { LatLon } from '../model/common.js';
import type { Dynamics } from './dynamics.js';
import type { Topology } from './topology.js';

/**
 * What a router learns from what it observes, kept beside its telemetry in `NetworkState`: per-node speed
 * factors against the catalog (NodeSpeed) and round-trip times on Vivaldi coordinates with the distance
 * model as prior (RttLearner). One implementation, fed by the gateway in `meridian serve` and by the
 * simulated outcomes in the simulator.
 *
 * RTT hosts are numbered nodes first (host `i` = node `i`), then every metro of the topology's metro table
 * (host `n + k` = metro `k`, client metros included): a client→node round trip is a sample between a
 * metro host and a node host. Every learned factor is written into the state's `Dynamics` as soon as it is
 * learned, so views copy them with the rest of the telemetry and the estimate reads them without
 * allocating.
 */
/**
 * Observation noise of a node's own report of its decode speed, as a multiple of a served request's: 16
 * (σ 4× larger), so what the gateway times itself outweighs what a node says about itself.
 */
export const REPORTED_NOISE_SCALE = 16;

export interface LearningOptions {
  speed?: FactorFilterOptions;
  rtt?: RttLearnerOptions;
}

export class NetworkLearning {
  readonly speed: NodeSpeed;
  readonly rtt: RttLearner;
  private readonly n: number;
  private readonly dyn: Dynamics;
  private releasedAtMs = Number.NEGATIVE_INFINITY;

  constructor(topology: Topology, dyn: Dynamics, options: LearningOptions = {}) {
    this.n = topology.n;
    this.dyn = dyn;
    this.speed = new NodeSpeed(topology.n, options.speed);
    const places: LatLon[] = topology.nodes.map((node) => ({
      lat: node.location.lat,
      lon: node.location.lon,
    }));
    for (const p of topology.metros.points) places.push(p);
    this.rtt = new RttLearner(places, options.rtt);
  }

  /** RTT host number of metro `k` of the topology's metro table. */
  metroHost(k: number): number {
    return this.n + k;
  }

  /** Learns node speed from one served request and publishes the node's factors. */
  observeServed(o: ServedOutcome, nowMs: number): void {
    const i = o.node;
    if (!(i >= 0 && i < this.n)) return;
    this.speed.observe(o, nowMs);
    this.publish(i, nowMs);
  }

  /**
   * Node `i`'s own measurement of its mean decode time per output token (ms) against the catalog's time
   * for the same model and batch at factor 1: second-hand evidence, weighed at `REPORTED_NOISE_SCALE` × a
   * served request's noise and never starting a change of regime (only the gateway's own timings can).
   */
  observeReportedDecode(i: number, msPerToken: number, catalogMsPerToken: number, nowMs: number): void {
    if (!(i >= 0 && i < this.n)) return;
    this.speed.decode.observe(i, msPerToken, catalogMsPerToken, nowMs, REPORTED_NOISE_SCALE, true);
    this.publish(i, nowMs);
  }

  /** One client→node round trip (ms) from metro `k`; false when refused (below the fibre floor). */
  observeClientRtt(metro: number, node: number, ms: number): boolean {
    if (!(metro >= 0) || !(node >= 0 && node < this.n)) return false;
    return this.rtt.observe(this.metroHost(metro), node, ms);
  }

  /** One round trip between two hosts of the learner (e.g. a coordinator's metro host and a node). */
  observeHostRtt(a: number, b: number, ms: number): boolean {
    return this.rtt.observe(a, b, ms);
  }

  /**
   * Takes over the speed `from` learned, node by node: `fromIndex(i)` is node `i`'s index in `from`, or
   * -1 for a new node (it starts at the prior). Used when a live network is rebuilt for a new member set.
   * Learned RTTs start again from the prior (a few heartbeats relearn them).
   */
  adoptSpeed(from: NetworkLearning, fromIndex: (i: number) => number, nowMs: number): void {
    const T = LOAD_TIERS.length;
    for (let i = 0; i < this.n; i++) {
      const j = fromIndex(i);
      if (!(j >= 0 && j < from.n)) continue;
      this.speed.prefill.copyFrom(i, from.speed.prefill, j);
      this.speed.decode.copyFrom(i, from.speed.decode, j);
      for (let t = 0; t < T; t++) this.speed.load.copyFrom(i * T + t, from.speed.load, j * T + t);
      this.publish(i, nowMs);
    }
  }

  /**
   * Publishes every learned node's factors as of `nowMs`, so factors silent for long return towards the
   * catalog (FactorFilters' `holdS` / `releaseS`). Called when a view is taken; does the work at most
   * once a second (the return takes minutes).
   */
  release(nowMs: number): void {
    if (nowMs - this.releasedAtMs < 1000) return;
    this.releasedAtMs = nowMs;
    const s = this.speed;
    const T = LOAD_TIERS.length;
    for (let i = 0; i < this.n; i++) {
      let learned = s.prefill.samples(i) > 0 || s.decode.samples(i) > 0;
      for (let t = 0; t < T && !learned; t++) learned = s.load.samples(i * T + t) > 0;
      if (learned) this.publish(i, nowMs);
    }
  }

  /** Copies node `i`'s learned factors as of `nowMs` and their spread into the telemetry arrays. */
  private publish(i: number, nowMs: number): void {
    const s = this.speed;
    const d = this.dyn;
    const T = LOAD_TIERS.length;
    d.prefillFactor[i] = s.prefill.factorAt(i, nowMs);
    d.decodeFactor[i] = s.decode.factorAt(i, nowMs);
    for (let t = 0; t < T; t++) d.loadFactor[i * T + t] = s.load.factorAt(i * T + t, nowMs);
    const pre = s.prefill.samples(i) > 0 ? s.prefill.relativeSpread(i, nowMs) : 0;
    const dec = s.decode.samples(i) > 0 ? s.decode.relativeSpread(i, nowMs) : 0;
    d.speedSpread[i] = Math.max(pre, dec);
  }
}
