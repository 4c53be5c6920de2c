import { FIT_HEADROOM } from '../model/catalog/derive.js';
import type { PlacementModel, SiteInput } from './types.js';

/** Whether a site can keep a model warm: its accelerator runs the model and the model fits. */
export function canServe(site: Pick<SiteInput, 'accelerator' | 'memoryGb'>, model: PlacementModel): boolean {
  return model.accelerators.includes(site.accelerator) && model.footprintGb <= Math.floor(site.memoryGb);
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
  return Math.max(1, Math.ceil(weightsGb * FIT_HEADROOM - 1e-9));
}
