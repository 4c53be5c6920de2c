import { type CapabilityModel, residentFootprintGb } from '../model/capability.js';
import { deviceTimeFactor } from '../model/catalog/derive.js';
import type { PlacementModel, SiteInput } from './types.js';

/**
 * Whether a site can keep a model warm: the capability rule of `src/model/capability.ts` in the whole GB
 * the knapsack counts (its accelerator runs the model, and the footprint with headroom, rounded up, fits
 * in the site's memory, rounded down; the same answer as the rule for a site with whole-GB memory).
 */
export function canServe(site: SiteSpeed, model: PlacementModel): boolean {
  return (
    model.accelerators.includes(site.accelerator) &&
    model.footprintGb <= Math.floor(site.memoryGb) &&
    fastEnough(site, model)
  );
}

type SiteSpeed = Pick<SiteInput, 'accelerator' | 'memoryGb'> & { count?: number };

/**
 * Service time (ms) of the model's typical request on the site: the class's time scaled to the site's
 * device count (`deviceTimeFactor`, as the router's topology does); undefined without numbers.
 */
export function siteServiceMs(site: SiteSpeed, model: PlacementModel): number | undefined {
  const s = model.serviceMs?.[site.accelerator];
  if (s === undefined) return undefined;
  return s.ms * deviceTimeFactor(s.devices, site.count ?? s.devices ?? 1);
}

/** Whether the site serves the model's typical request within `maxServiceMs` (true when unchecked). */
export function fastEnough(site: SiteSpeed, model: PlacementModel): boolean {
  if (model.maxServiceMs === undefined) return true;
  const ms = siteServiceMs(site, model);
  return ms === undefined || ms <= model.maxServiceMs;
}

/** A placement model as the capability rule reads it (its accelerator list as performance entries). */
export function capabilityModel(model: PlacementModel): CapabilityModel {
  return {
    id: model.id,
    weightsGb: model.weightsGb,
    performance: Object.fromEntries(model.accelerators.map((a) => [a, true])),
  };
}

/**
 * Objective term of one demand pair covered by `t` distinct values of the robustness dimension:
 * g(t) = min(1, t) + ρ (min(2, t) − min(1, t)) (docs/placement.md). Concave and non-decreasing for ρ ≤ 1.
 */
export function coverageValue(t: number, rho: number): number {
  if (t <= 0) return 0;
  return t === 1 ? 1 : 1 + rho;
}

/**
 * Warm-replica footprint in whole GB: weights plus the catalog's fit headroom (20% for KV cache and
 * activations), rounded up.
 */
export function footprintGb(weightsGb: number): number {
  return Math.max(1, Math.ceil(residentFootprintGb(weightsGb) - 1e-9));
}
