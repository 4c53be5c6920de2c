import { z } from 'zod';
import { AcceleratorClass, Id, Latitude, Longitude, VerificationMode } from '../../model/common.js';
import { LabelInput } from '../../model/labels.js';
import { Holding, Role, Storage } from '../../model/node.js';
import { IntRange, MetroWeights, NumberRange, RegionName, Share, Weights } from './common.js';

/** The `network` section: nodes listed one by one, and generators that expand to many nodes. */

const DimensionName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a dimension name (letters, digits, _)');

/** Storage tiers of a node; every field has a default (see `src/model/node.ts`). */
export const StorageInput = z.strictObject(Storage.shape);

/** Location of a listed node: a catalog metro; lat/lon default to the metro's centre. */
export const NodeLocationInput = z.strictObject({
  metro: Id,
  lat: Latitude.optional(),
  lon: Longitude.optional(),
});

/** Hardware of a listed node; `memoryGb` defaults to the accelerator's datasheet value (0 for cpu/api). */
export const HardwareInput = z.strictObject({
  accelerator: AcceleratorClass,
  count: z.number().int().min(0).max(64).default(1),
  memoryGb: z.number().min(0).max(4096).optional(),
});

/**
 * A node listed explicitly. Like the Node schema, with two shortcuts:
 * - `location.lat`/`lon` may be omitted (the metro's coordinates are used);
 * - of the labels only `provider` is required when it names a catalog provider: `asn` defaults to the
 *   provider's first ASN, `datacenter` to its site in the node's metro (else `<provider>-<metro>`),
 *   `country` to the metro's country (all `inferred`), and `operator` to the provider id (`declared`),
 *   so a default never claims more independence than the file states.
 */
export const ExplicitNodeInput = z.strictObject({
  id: Id,
  roles: z
    .array(Role)
    .min(1)
    .refine((r) => new Set(r).size === r.length, 'roles must not repeat')
    .default(['inference']),
  location: NodeLocationInput,
  labels: z.record(DimensionName, LabelInput).refine((l) => 'provider' in l, {
    message: 'missing required label "provider"',
    path: ['provider'],
  }),
  hardware: HardwareInput,
  storage: StorageInput.optional(),
  slots: z.number().int().min(1).max(4096).default(8),
  pricePer1kTokens: z.number().min(0).default(0),
  verification: z.array(VerificationMode).default(['vanilla']),
  models: z.array(z.strictObject(Holding.shape)).default([]),
  stake: z.number().min(0).optional(),
});
export type ExplicitNodeInput = z.infer<typeof ExplicitNodeInput>;

/** One entry of a generator's hardware mix. */
export const HardwareMixEntry = z.strictObject({
  accelerator: AcceleratorClass,
  count: z.number().int().min(1).max(64).default(1),
  memoryGb: z.number().min(0).max(4096).optional(),
  weight: z.number().min(0).default(1),
});

/**
 * Which models a generated node holds at start. Candidates are the models the node can serve (its
 * accelerator has a profile and its memory holds the weights), ranked by demand popularity (`top`) or
 * drawn in popularity-weighted random order (`weighted`). The first `k` that fit go to accelerator memory
 * (warm), the next `hostRam` to host RAM, the next `localDisk` to local disk; nodes with the storage role
 * also keep the `storageModels` most popular models on disk. Proxy nodes hold every model with an `api`
 * profile, warm.
 */
export const WarmPolicy = z.strictObject({
  k: z.number().int().min(0).max(64).default(2),
  hostRam: z.number().int().min(0).max(64).default(1),
  localDisk: z.number().int().min(0).max(256).default(2),
  storageModels: z.number().int().min(0).max(1000).default(10),
  pick: z.enum(['top', 'weighted']).default('top'),
});

/** Shares of generated nodes carrying each role (independently); a node left with none is `inference`. */
export const RoleShares = z.strictObject({
  inference: Share.default(1),
  full: Share.default(0),
  data: Share.default(0),
  storage: Share.default(0),
});

/**
 * A generator expands deterministically (for the scenario seed) into `count` nodes. See `generate.ts` for
 * the sampling procedure.
 */
export const GeneratorInput = z
  .strictObject({
    /** Prefix of the generated node ids (`<idPrefix>-00042`); default `gen<index>`. */
    idPrefix: Id.optional(),
    count: z.number().int().min(0).max(200_000).describe('Nodes to generate'),
    /** Weights by provider id: the expected share of nodes on each provider. */
    providers: Weights.describe('Weights by provider id (src/geo/providers.ts)'),
    metros: MetroWeights.default('demand').describe('Weights by metro id, or "demand" for metro population'),
    /** Only metros in these regions. */
    regions: z.array(RegionName).min(1).optional(),
    hardware: z.array(HardwareMixEntry).min(1),
    /** Number of distinct operators; node counts per operator follow Zipf(operatorZipfS). */
    operators: z.number().int().min(1).describe('Distinct operators; node counts per operator follow Zipf'),
    operatorZipfS: z.number().min(0).max(5).default(1),
    /** Share of nodes that proxy a hosted API (accelerator `api`, label `upstream`). */
    proxyShare: Share.default(0).describe('Share of nodes proxying a hosted API (accelerator api)'),
    /** Weights by upstream API (openai, anthropic, together, …); required when proxyShare > 0. */
    upstreams: Weights.optional(),
    roles: RoleShares.prefault({}),
    slots: IntRange.default(8),
    /** USD per 1,000 tokens. */
    price: NumberRange.default(0),
    /** Shares of nodes offering TEE execution (only h100/h200 nodes) and zkML proving (non-proxy nodes). */
    verification: z.strictObject({ tee: Share.default(0), zkml: Share.default(0) }).prefault({}),
    warm: WarmPolicy.prefault({}),
    storage: StorageInput.optional(),
  })
  .refine((g) => g.proxyShare === 0 || g.upstreams !== undefined, {
    message: 'required when proxyShare > 0',
    path: ['upstreams'],
  });
export type GeneratorInput = z.infer<typeof GeneratorInput>;

export const NetworkInput = z
  .strictObject({
    nodes: z.array(ExplicitNodeInput).default([]),
    generators: z.array(GeneratorInput).default([]),
  })
  .refine((n) => n.nodes.length > 0 || n.generators.some((g) => g.count > 0), {
    message: 'expected at least one node (listed or generated)',
  });
export type NetworkInput = z.infer<typeof NetworkInput>;
