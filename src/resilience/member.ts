import { canServe } from '../model/capability.js';
import { KNOWN_DIMENSIONS } from '../model/labels.js';

/**
 * What the independence analysis needs to know about one node. A `Node` from `src/model` is a Member as
 * it is; an imported network (a CSV of validators) fills only `id`, `labels`, `stake` and `location`.
 */
export interface Member {
  id: string;
  /** Dimension → label; a dimension that is missing means the member depends on no value of it. */
  labels: Readonly<Record<string, { readonly value: string } | undefined>>;
  roles?: readonly string[];
  /** Stake or any imported weight. */
  stake?: number;
  /** Concurrent request slots (compute capacity). */
  slots?: number;
  hardware?: { readonly accelerator: string; readonly count: number; readonly memoryGb: number };
  /** Host RAM; a `cpu` node runs models from it. */
  storage?: { readonly hostRamGb: number };
  /** Models held at start and in which tier; `gpu` means warm. */
  models?: ReadonlyArray<{ readonly model: string; readonly tier: string }>;
  location?: { readonly lat: number; readonly lon: number; readonly metro?: string };
}

/** What the analysis needs to know about a model: its size and the accelerator classes that run it. */
export interface ModelLike {
  id: string;
  weightsGb: number;
  performance: Readonly<Partial<Record<string, unknown>>>;
}

/** One value on one dimension: a failure domain such as `asn=24940`. */
export interface Domain {
  dimension: string;
  value: string;
}

export function formatDomain(d: Domain): string {
  return `${d.dimension}=${d.value}`;
}

/** The model is in the member's accelerator memory: a request can start now. */
export function isWarm(member: Member, modelId: string): boolean {
  return member.models?.some((h) => h.model === modelId && h.tier === 'gpu') ?? false;
}

/**
 * The member could serve the model after loading it: the capability rule of `src/model/capability.ts`
 * (inference role when roles are given, a performance entry for its accelerator class, the weights with
 * headroom fit its memory; an `api` proxy only for the models it lists). No hardware: not capable.
 */
export function isCapable(member: Member, model: ModelLike): boolean {
  return canServe(member, model);
}

/**
 * Every dimension some member carries: the known dimensions first in their usual order
 * (provider, asn, datacenter, operator, country, upstream, teeVendor, client), then the others A→Z.
 */
export function dimensionsOf(members: readonly Member[]): string[] {
  const seen = new Set<string>();
  for (const m of members) for (const d in m.labels) if (m.labels[d] !== undefined) seen.add(d);
  const known = KNOWN_DIMENSIONS.filter((d) => seen.has(d));
  const rest = [...seen].filter((d) => !(KNOWN_DIMENSIONS as readonly string[]).includes(d)).sort();
  return [...known, ...rest];
}
