import { greatCircleKm } from '../geo/distance.js';
import type { AcceleratorClass } from '../model/common.js';
import { Rng } from '../util/rng.js';
import {
  DEFAULT_PLACEMENT_OPTIONS,
  type DemandPoint,
  type ExistingNode,
  type PlacementInput,
  type PlacementModel,
  type PlacementOptions,
  type SiteInput,
} from './types.js';

/**
 * Seeded random placement inputs for tests and the benchmark: metros scattered around a few region
 * centres, RTT from great-circle distance (2 ms + 1 ms per 100 km × 1.4 path inflation, a rough fibre
 * rule of thumb), candidates = metro × provider × accelerator, Zipf-like model popularity.
 */
export interface SyntheticSpec {
  seed: number;
  metros: number;
  candidates: number;
  models: number;
  providers: number;
  /** ASNs per provider (each ASN belongs to one provider). */
  asnsPerProvider: number;
  existing: number;
  /** Existing nodes (the first ones) with spare accelerator memory. */
  slots?: number;
  options: Partial<PlacementOptions>;
}

const REGION_CENTRES = [
  { region: 'europe', lat: 50, lon: 8 },
  { region: 'north-america', lat: 39, lon: -90 },
  { region: 'asia', lat: 30, lon: 115 },
  { region: 'south-america', lat: -20, lon: -55 },
  { region: 'oceania', lat: -30, lon: 145 },
];

const SHAPES: { accelerator: AcceleratorClass; count: number; memory: number; usdHour: number }[] = [
  { accelerator: 'l4', count: 1, memory: 24, usdHour: 0.8 },
  { accelerator: 'l40s', count: 2, memory: 96, usdHour: 1.9 },
  { accelerator: 'a100-80', count: 2, memory: 160, usdHour: 2.5 },
  { accelerator: 'h100', count: 4, memory: 320, usdHour: 3.5 },
];

/** Round-trip time model of the synthetic world (ms). */
export function syntheticRtt(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  return 2 + (1.4 * greatCircleKm(a, b)) / 100;
}

export function syntheticInput(spec: SyntheticSpec): PlacementInput {
  const rng = new Rng(spec.seed);
  const metros = Array.from({ length: spec.metros }, (_, i) => {
    const c = REGION_CENTRES[i % REGION_CENTRES.length]!;
    return {
      id: `m${i}`,
      region: c.region,
      lat: Math.max(-89, Math.min(89, c.lat + rng.normal(0, 6))),
      lon: c.lon + rng.normal(0, 9),
      weight: rng.logNormal(2, 1),
    };
  });
  const byId = new Map(metros.map((m) => [m.id, m]));
  const providers = Array.from({ length: spec.providers }, (_, p) => ({
    id: `p${p}`,
    asns: Array.from({ length: spec.asnsPerProvider }, (_, a) => String(1000 + p * 10 + a)),
    price: 0.7 + 0.6 * rng.next(),
  }));
  const models: PlacementModel[] = Array.from({ length: spec.models }, (_, m) => {
    const accels = SHAPES.map((s) => s.accelerator).filter((_, k) => k > 0 || rng.chance(0.6));
    const footprint = 8 + rng.int(120);
    return {
      id: `model${m}`,
      weightsGb: footprint / 1.2,
      footprintGb: footprint,
      popularity: 1 / (m + 1),
      accelerators: accels,
    };
  });
  const sites: SiteInput[] = Array.from({ length: spec.candidates }, (_, i) => {
    const metro = metros[rng.int(metros.length)]!;
    const prov = providers[rng.int(providers.length)]!;
    const shape = SHAPES[rng.int(SHAPES.length)]!;
    const asn = prov.asns[rng.int(prov.asns.length)]!;
    return {
      id: `c${i}`,
      metro: metro.id,
      labels: {
        provider: prov.id,
        asn,
        datacenter: `${prov.id}-${metro.id}-${i % 3}`,
        country: metro.region,
      },
      accelerator: shape.accelerator,
      count: shape.count,
      memoryGb: shape.memory,
      costUsdMonth: Math.round(shape.usdHour * prov.price * shape.count * 730),
    };
  });
  const existing: ExistingNode[] = Array.from({ length: spec.existing }, (_, i) => {
    const metro = metros[rng.int(metros.length)]!;
    const prov = providers[Math.min(providers.length - 1, Math.floor(providers.length * rng.next() ** 2))]!;
    const warm = models.filter(() => rng.chance(3 / Math.max(3, models.length))).map((m) => m.id);
    return {
      id: `e${i}`,
      metro: metro.id,
      labels: { provider: prov.id, asn: prov.asns[rng.int(prov.asns.length)]!, country: metro.region },
      warm,
    };
  });
  const slots: SiteInput[] = existing.slice(0, spec.slots ?? 0).map((n) => {
    const shape = SHAPES[1 + rng.int(SHAPES.length - 1)]!;
    return {
      id: `spare:${n.id}`,
      metro: n.metro,
      labels: n.labels,
      accelerator: shape.accelerator,
      count: shape.count,
      memoryGb: Math.round(shape.memory * (0.2 + 0.6 * rng.next())),
      costUsdMonth: 0,
      existingNode: n.id,
    };
  });
  const demand: DemandPoint[] = metros.map((m) => ({ metro: m.id, region: m.region, weight: m.weight }));
  return {
    sites,
    slots,
    existing,
    demand,
    models,
    rtt: (a, b) => syntheticRtt(byId.get(a)!, byId.get(b)!),
    options: { ...DEFAULT_PLACEMENT_OPTIONS, ...spec.options },
  };
}
