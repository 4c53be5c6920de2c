import type { AcceleratorClass } from '../model/common.js';

/** The shape of one infrastructure provider in the catalog (`providers.ts`). */

export type ProviderKind = 'hyperscaler' | 'cloud' | 'bare-metal' | 'gpu-cloud' | 'colo' | 'residential';

export interface ProviderSite {
  metro: string;
  /** Region or facility code, e.g. `eu-central-1`, `fsn1`. */
  datacenter: string;
}

export interface Provider {
  id: string;
  name: string;
  kind: ProviderKind;
  asns: number[];
  sites: ProviderSite[];
  /** Accelerator classes offered. */
  accelerators: AcceleratorClass[];
  /** Approximate on-demand list price per accelerator-hour, USD (see each provider's comment). */
  gpuHourUsd: Partial<Record<AcceleratorClass, number>>;
}

/** `[['frankfurt', 'eu-central-1'], …]` → sites. */
export function sites(pairs: ReadonlyArray<readonly [metro: string, datacenter: string]>): ProviderSite[] {
  return pairs.map(([metro, datacenter]) => ({ metro, datacenter }));
}
