import { metroById } from '../geo/metros.js';
import { type Provider, providerById } from '../geo/providers.js';
import { ACCELERATORS } from '../model/accelerators.js';
import type { AcceleratorClass, VerificationMode } from '../model/common.js';
import type { Label } from '../model/labels.js';
import { type Hardware, type Node, type Role, Storage } from '../model/node.js';
import { hashString, Rng, WeightedSampler } from '../util/rng.js';
import { addStorageCopies, candidateOrder, fillTiers, type RankedModel, servableModels } from './holdings.js';
import type { IssueList } from './issues.js';
import { planOperators } from './operators.js';
import { resolveMetroWeights } from './resolve-metros.js';
import type { GeneratorInput, IntRange, NumberRange } from './schema.js';
import { unknownAsn } from './unknown-asn.js';

/**
 * Expands one generator into nodes, deterministically for (scenario seed, generator index):
 * 1. operators get Zipf(operatorZipfS) shares and a home provider (`operators.ts`); when count ≥
 *    operators the first `operators` nodes take one operator each, so exactly that many exist;
 * 2. each further node draws its operator by share; its provider is the operator's home provider with
 *    probability OPERATOR_HOME_SHARE, else a draw by provider weight;
 * 3. its metro is drawn among the provider's sites, by the generator's metro weights (split evenly among
 *    a provider's sites in one metro), with a jitter of up to ±0.05° around the metro centre;
 * 4. with probability proxyShare it is a proxy (accelerator `api`, an `upstream` label, inference only);
 *    otherwise its hardware is drawn from the mix entries the provider rents (every provider rents `cpu`);
 * 5. roles, slots, price and TEE / zkML support are drawn from their shares and ranges;
 * 6. its models follow the warm policy (`holdings.ts`).
 * Labels: provider, asn (the provider's first ASN; a random one of a residential provider's ISPs) and
 * country are `inferred`; datacenter, operator and upstream `declared`; teeVendor `attested`.
 */
export const OPERATOR_HOME_SHARE = 0.8;
const JITTER_DEG = 0.05;
const TEE_CLASSES: readonly AcceleratorClass[] = ['h100', 'h200'];

interface ProviderPlan {
  provider: Provider;
  weight: number;
  sites: { metro: string; datacenter: string }[];
  siteSampler: WeightedSampler;
  mix: GeneratorInput['hardware'];
  mixSampler: WeightedSampler;
}

/** Everything the expansion needs besides the generator: the seed and the models ranked by popularity. */
export interface GenerationContext {
  seed: number;
  ranked: readonly RankedModel[];
}

/** Default id prefix of generator `index`. */
export function generatorPrefix(g: Pick<GeneratorInput, 'idPrefix'>, index: number): string {
  return g.idPrefix ?? `gen${index}`;
}

export function expandGenerator(
  g: GeneratorInput,
  index: number,
  ctx: GenerationContext,
  issues: IssueList,
): Node[] {
  const at = (...p: (string | number)[]) => ['network', 'generators', index, ...p];
  const before = issues.size;
  const metros = resolveMetroWeights(g.metros, g.regions, at('metros'), issues);
  const metroWeight = new Map(metros.map((m) => [m.id, m.weight]));
  const plans: ProviderPlan[] = [];
  for (const [id, weight] of Object.entries(g.providers)) {
    if (weight <= 0) continue;
    const plan = planProvider(id, weight, g, metroWeight, at('providers', id), issues);
    if (plan) plans.push(plan);
  }
  if (issues.size > before || g.count === 0) return [];

  const rng = new Rng(hashString(`${ctx.seed}/generators/${index}`));
  const prefix = generatorPrefix(g, index);
  const ops = planOperators(
    g.operators,
    g.operatorZipfS,
    plans.map((p) => p.weight),
  );
  const opSampler = new WeightedSampler(ops.shares);
  const providerSampler = new WeightedSampler(plans.map((p) => p.weight));
  const upstreams = Object.entries(g.upstreams ?? {});
  const upstreamSampler = new WeightedSampler(upstreams.map(([, w]) => w));
  const storage = Storage.parse(g.storage ?? {});
  const opWidth = String(g.operators).length;
  const idWidth = Math.max(5, String(g.count).length);
  const servableCache = new Map<string, RankedModel[]>();

  const nodes: Node[] = [];
  for (let i = 0; i < g.count; i++) {
    const op = i < g.operators && g.count >= g.operators ? i : opSampler.sample(rng);
    const plan = rng.chance(OPERATOR_HOME_SHARE)
      ? plans[ops.home[op]!]!
      : plans[providerSampler.sample(rng)]!;
    const site = plan.sites[plan.siteSampler.sample(rng)]!;
    const metro = metroById(site.metro)!;
    const proxy = rng.chance(g.proxyShare);
    const hardware = proxy ? apiHardware() : pickHardware(plan, rng);
    const labels: Record<string, Label> = {
      provider: { value: plan.provider.id, provenance: 'inferred' },
      asn: { value: pickAsn(plan.provider, rng), provenance: 'inferred' },
      datacenter: { value: site.datacenter, provenance: 'declared' },
      operator: { value: `${prefix}-op${String(op + 1).padStart(opWidth, '0')}`, provenance: 'declared' },
      country: { value: metro.country, provenance: 'inferred' },
    };
    if (proxy)
      labels.upstream = { value: upstreams[upstreamSampler.sample(rng)]![0], provenance: 'declared' };
    const roles = proxy ? (['inference'] as Role[]) : pickRoles(g.roles, rng);
    const verification: VerificationMode[] = ['vanilla'];
    if (TEE_CLASSES.includes(hardware.accelerator) && rng.chance(g.verification.tee)) {
      verification.push('tee');
      labels.teeVendor = { value: 'nvidia', provenance: 'attested' };
    }
    if (!proxy && rng.chance(g.verification.zkml)) verification.push('zkml');

    const key = `${hardware.accelerator}/${hardware.count}/${hardware.memoryGb}`;
    let servable = servableCache.get(key);
    if (servable === undefined) {
      servable = servableModels(ctx.ranked, hardware, storage);
      servableCache.set(key, servable);
    }
    let models = roles.includes('inference')
      ? proxy
        ? servable.map((r) => ({ model: r.model.id, tier: 'gpu' as const }))
        : fillTiers(candidateOrder(servable, g.warm.pick, rng), g.warm, hardware, storage)
      : [];
    if (roles.includes('storage'))
      models = addStorageCopies(models, ctx.ranked, g.warm.storageModels, storage);

    nodes.push({
      id: `${prefix}-${String(i + 1).padStart(idWidth, '0')}`,
      roles,
      location: {
        lat: round4(clamp(metro.lat + rng.uniform(-JITTER_DEG, JITTER_DEG), -90, 90)),
        lon: round4(wrapLon(metro.lon + rng.uniform(-JITTER_DEG, JITTER_DEG))),
        metro: metro.id,
      },
      labels: labels as Node['labels'],
      hardware,
      storage: { ...storage },
      slots: drawInt(g.slots, rng),
      pricePer1kTokens: round4(drawNumber(g.price, rng)),
      verification,
      models,
    });
  }
  return nodes;
}

function planProvider(
  id: string,
  weight: number,
  g: GeneratorInput,
  metroWeight: ReadonlyMap<string, number>,
  path: (string | number)[],
  issues: IssueList,
): ProviderPlan | undefined {
  const provider = providerById(id);
  if (provider === undefined) {
    issues.addValue(path, 'unknown provider (not in src/geo/providers.ts)', id);
    return undefined;
  }
  const perMetro = new Map<string, number>();
  for (const s of provider.sites) perMetro.set(s.metro, (perMetro.get(s.metro) ?? 0) + 1);
  const sites = provider.sites.filter((s) => (metroWeight.get(s.metro) ?? 0) > 0);
  if (sites.length === 0) {
    issues.addValue(path, `provider "${id}" has no site in the generator's metros`, id);
    return undefined;
  }
  const mix = g.hardware.filter(
    (h) => h.accelerator === 'cpu' || provider.accelerators.includes(h.accelerator),
  );
  if (mix.length === 0 && g.proxyShare < 1) {
    const rents = ['cpu', ...provider.accelerators.filter((a) => a !== 'cpu')].join(', ');
    issues.addValue(
      path,
      `provider "${id}" rents none of the generator's accelerators (it rents ${rents})`,
      id,
    );
    return undefined;
  }
  return {
    provider,
    weight,
    sites,
    siteSampler: new WeightedSampler(sites.map((s) => metroWeight.get(s.metro)! / perMetro.get(s.metro)!)),
    mix,
    mixSampler: new WeightedSampler(mix.map((h) => h.weight)),
  };
}

function apiHardware(): Hardware {
  return { accelerator: 'api', count: 1, memoryGb: 0 };
}

function pickHardware(plan: ProviderPlan, rng: Rng): Hardware {
  const h = plan.mix[plan.mixSampler.sample(rng)]!;
  return {
    accelerator: h.accelerator,
    count: h.count,
    memoryGb: h.memoryGb ?? ACCELERATORS[h.accelerator].memoryGb,
  };
}

/** A provider without a known ASN gets the placeholder `unknown-<provider>` (one shared value). */
function pickAsn(provider: Provider, rng: Rng): string {
  const asn = provider.kind === 'residential' ? rng.pick(provider.asns) : provider.asns[0];
  return asn === undefined ? unknownAsn(provider.id) : String(asn);
}

function pickRoles(shares: GeneratorInput['roles'], rng: Rng): Role[] {
  const roles: Role[] = [];
  if (rng.chance(shares.inference)) roles.push('inference');
  if (rng.chance(shares.full)) roles.push('full');
  if (rng.chance(shares.data)) roles.push('data');
  if (rng.chance(shares.storage)) roles.push('storage');
  return roles.length === 0 ? ['inference'] : roles;
}

function drawInt(r: IntRange, rng: Rng): number {
  return typeof r === 'number' ? r : r.min + rng.int(r.max - r.min + 1);
}

function drawNumber(r: NumberRange, rng: Rng): number {
  return typeof r === 'number' ? r : rng.uniform(r.min, r.max);
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function wrapLon(lon: number): number {
  return lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
}
