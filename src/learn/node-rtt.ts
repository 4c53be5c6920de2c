import { fibreFloorMs, RTT_MODEL, rttMs } from '../geo/rtt-model.js';
import type { LatLon } from '../model/common.js';

/**
 * Round-trip evidence kept per node, never per metro pair: one node's claims can only move its own
 * RTT, never another node's. Each sample is a round trip from the node (at its registered place) to a
 * place; what is kept is its residual over the distance model (`ms − rttMs(node, place)`), and the
 * node's offset is the median of its residuals together with `priorWeight` zeros (the distance model
 * as the prior), clamped to `[−RTT_MODEL.accessMs, maxOffsetMs]`: the lower bound keeps every
 * prediction (`rttMs + offset`) at or above the great-circle fibre floor, the upper one bounds what a
 * node can do to itself.
 *
 * Two sources: round trips the coordinator measures itself (its probes) and round trips the node
 * reports (its heartbeat `rtt`). A sample below the fibre floor of its two places is refused whatever
 * its source. A node's report is accepted only when the coordinator has measured the node and the
 * report's residual is within `toleranceMs` (or half the model's RTT, when larger) of the coordinator's
 * median residual; a node the coordinator cannot measure moves nothing by what it says.
 */
export type RttSource = 'coordinator' | 'node';

export interface NodeRttOptions {
  /** Samples kept per node and source, newest first out (default 16). */
  window?: number;
  /** Zero residuals (the distance model) counted with the samples (default 2). */
  priorWeight?: number;
  /** Largest offset a node's evidence can give it, ms (default 250). */
  maxOffsetMs?: number;
  /** Largest distance of a reported residual from the coordinator's median residual, ms (default 50). */
  toleranceMs?: number;
}

/** Why a sample was not taken. */
export type RttRefusal = 'invalid' | 'below_fibre_floor' | 'unverified' | 'inconsistent';

interface Evidence {
  coordinator: number[];
  node: number[];
}

export class NodeRttEvidence {
  private readonly byNode = new Map<string, Evidence>();
  private readonly window: number;
  private readonly priorWeight: number;
  private readonly maxOffsetMs: number;
  private readonly toleranceMs: number;
  /** Refused samples by reason. */
  readonly refused: Record<RttRefusal, number> = {
    invalid: 0,
    below_fibre_floor: 0,
    unverified: 0,
    inconsistent: 0,
  };

  constructor(opt: NodeRttOptions = {}) {
    this.window = opt.window ?? 16;
    this.priorWeight = opt.priorWeight ?? 2;
    this.maxOffsetMs = opt.maxOffsetMs ?? 250;
    this.toleranceMs = opt.toleranceMs ?? 50;
  }

  /** One round trip of `ms` between node `nodeId` (at `at`) and `to`; the refusal reason, or undefined when taken. */
  observe(nodeId: string, source: RttSource, at: LatLon, to: LatLon, ms: number): RttRefusal | undefined {
    const refusal = this.check(nodeId, source, at, to, ms);
    if (refusal !== undefined) {
      this.refused[refusal]++;
      return refusal;
    }
    let e = this.byNode.get(nodeId);
    if (e === undefined) this.byNode.set(nodeId, (e = { coordinator: [], node: [] }));
    const list = e[source];
    list.push(ms - rttMs(at, to));
    if (list.length > this.window) list.shift();
    return undefined;
  }

  /** The node's RTT over the distance model, ms (0 without evidence). */
  offsetMs(nodeId: string): number {
    const e = this.byNode.get(nodeId);
    if (e === undefined) return 0;
    const all = [...e.coordinator, ...e.node, ...new Array<number>(this.priorWeight).fill(0)];
    return clamp(median(all), -RTT_MODEL.accessMs, this.maxOffsetMs);
  }

  /** Whether the coordinator has measured the node itself. */
  verified(nodeId: string): boolean {
    return (this.byNode.get(nodeId)?.coordinator.length ?? 0) > 0;
  }

  forget(nodeId: string): void {
    this.byNode.delete(nodeId);
  }

  private check(
    nodeId: string,
    source: RttSource,
    at: LatLon,
    to: LatLon,
    ms: number,
  ): RttRefusal | undefined {
    if (!Number.isFinite(ms) || ms < 0) return 'invalid';
    if (ms < fibreFloorMs(at, to)) return 'below_fibre_floor';
    if (source === 'coordinator') return undefined;
    const measured = this.byNode.get(nodeId)?.coordinator ?? [];
    if (measured.length === 0) return 'unverified';
    const residual = ms - rttMs(at, to);
    const tolerance = Math.max(this.toleranceMs, rttMs(at, to) / 2);
    return Math.abs(residual - median(measured)) <= tolerance ? undefined : 'inconsistent';
  }
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
