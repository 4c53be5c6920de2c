import { decodeMs, prefillMs } from '../estimate/service.js';
import { metroById } from '../geo/metros.js';
import { canServe } from '../model/capability.js';
import { deviceTimeFactor } from '../model/catalog/derive.js';
import type { ResolvedDistribution, Scenario } from './types.js';

/**
 * How busy a scenario's demand keeps the inference slots: offered load ÷ capacity. Offered load is the
 * arrival rate × the mean service time (catalog prefill + decode at batch 1, scaled to each node's own
 * device count as the simulator runs it, `deviceTimeFactor`; per model the slot-weighted harmonic mean
 * over capable nodes, as a router that spreads work by speed sees it; over models weighted by
 * popularity); capacity is every inference slot. At the peak, the rate is the highest over the day of
 * the diurnal curve summed over client metros. Batching slows each request, so the true busy fraction is
 * somewhat higher; a trace gives null.
 */
export interface OfferedLoad {
  meanRps: number;
  peakRps: number;
  /** Mean service time of one request, ms. */
  serviceMs: number;
  slots: number;
  mean: number;
  peak: number;
}

/** Mean of a resolved distribution (log-normal: median × e^{σ²/2}, clipping ignored). */
export function distributionMean(d: ResolvedDistribution): number {
  return d.kind === 'fixed' ? d.value : d.median * Math.exp((d.sigma * d.sigma) / 2);
}

export function offeredLoad(s: Scenario): OfferedLoad | null {
  const d = s.demand;
  if (d.kind !== 'synthetic') return null;
  const inference = s.nodes.filter((n) => n.roles.includes('inference'));
  const slots = inference.reduce((sum, n) => sum + n.slots, 0);
  const input = distributionMean(d.tokens.input);
  const output = distributionMean(d.tokens.output);
  const models = new Map(s.models.map((m) => [m.id, m]));
  let serviceMs = 0;
  let weight = 0;
  for (const w of d.models) {
    const m = models.get(w.id);
    if (!m || w.weight <= 0) continue;
    let sum = 0;
    let n = 0;
    for (const node of inference) {
      const perf = m.performance[node.hardware.accelerator];
      if (!perf || !canServe(node, m)) continue;
      const f = deviceTimeFactor(perf.devices, node.hardware.count);
      const ms =
        prefillMs(perf.prefillMsPer1k, input, f) +
        decodeMs(perf.decodeMsPerToken, perf.decodeSlope, output, 1, f);
      sum += node.slots / ms;
      n += node.slots;
    }
    if (n === 0 || sum === 0) continue;
    serviceMs += w.weight * (n / sum);
    weight += w.weight;
  }
  serviceMs = weight > 0 ? serviceMs / weight : 0;
  let peakFactor = 0;
  for (let k = 0; k < 24 * 12; k++) {
    const utc = k / 12;
    let f = 0;
    for (const m of d.metros) {
      const local = utc + (metroById(m.id)?.utcOffsetHours ?? 0);
      f +=
        m.weight *
        (1 + d.diurnal.amplitude * Math.cos((2 * Math.PI * (local - d.diurnal.peakLocalHour)) / 24));
    }
    peakFactor = Math.max(peakFactor, f);
  }
  const peakRps = d.totalRps * peakFactor;
  const busy = (rps: number) => (slots > 0 ? (rps * serviceMs) / 1000 / slots : 0);
  return { meanRps: d.totalRps, peakRps, serviceMs, slots, mean: busy(d.totalRps), peak: busy(peakRps) };
}
