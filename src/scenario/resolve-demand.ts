import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { metroById } from '../geo/metros.js';
import type { Model } from '../model/model.js';
import { VERIFICATION_REQUIREMENTS, type VerificationRequirement } from '../model/request.js';
import type { PathSegment } from '../model/validate.js';
import type { IssueList } from './issues.js';
import { simulationTooLarge } from './limits.js';
import { resolveMetroWeights } from './resolve-metros.js';
import type { GrowthInput, LocalModelsInput } from './schema/demand.js';
import type { DemandInput, Distribution, Weights } from './schema.js';
import type {
  ResolvedBurst,
  ResolvedDemand,
  ResolvedDistribution,
  ResolvedGrowth,
  ResolvedLocalModels,
  WeightedId,
} from './types.js';
import { normalise, zipfWeights } from './weights.js';

/** Defaults of the synthetic workload (assumptions, chosen to resemble chat traffic). */
export const DEMAND_DEFAULTS = {
  zipfS: 1,
  diurnal: { amplitude: 0.4, peakLocalHour: 20 },
  arrivals: { process: 'poisson', cv: 1 },
  /** Prompt length: median 512 tokens, wide spread, clipped to [1, 32k]. */
  input: { kind: 'lognormal', median: 512, sigma: 1, min: 1, max: 32_768 },
  /** Answer length: median 128 tokens, clipped to [1, 4k]. */
  output: { kind: 'lognormal', median: 128, sigma: 0.9, min: 1, max: 4096 },
  timeScale: 1,
} as const;

export const TRACE_HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';

export function resolveDistribution(d: Distribution): ResolvedDistribution {
  if (typeof d === 'number') return { kind: 'fixed', value: d };
  if ('fixed' in d) return { kind: 'fixed', value: d.fixed };
  const out: ResolvedDistribution = { kind: 'lognormal', median: d.median, sigma: d.sigma };
  if (d.min !== undefined) out.min = d.min;
  if (d.max !== undefined) out.max = d.max;
  return out;
}

/** Popularity of the scenario's models: explicit weights, or Zipf(s) over the models in listed order. */
export function resolvePopularity(
  models: readonly Model[],
  weights: Weights | undefined,
  zipfS: number,
  path: PathSegment[],
  issues: IssueList,
): WeightedId[] {
  if (weights === undefined) {
    const z = zipfWeights(models.length, zipfS);
    return models.map((m, i) => ({ id: m.id, weight: z[i]! }));
  }
  const known = new Set(models.map((m) => m.id));
  for (const id of Object.keys(weights)) {
    if (!known.has(id)) issues.addValue([...path, id], 'unknown model (not among the scenario models)', id);
  }
  return normalise(Object.entries(weights).filter(([id]) => known.has(id)));
}

/** Normalises the demand section: defaults filled, weights summing to 1, every reference checked. */
export function resolveDemand(
  d: DemandInput,
  models: readonly Model[],
  durationS: number,
  baseDir: string,
  issues: IssueList,
): ResolvedDemand {
  const verification = resolveVerification(d.verification, issues);
  const bursts = d.bursts.map((b, i) => resolveBurst(b, i, models, durationS, issues));
  const common = {
    verification,
    bursts,
    ...(d.deadlines
      ? { deadlines: { share: d.deadlines.share, ms: resolveDistribution(d.deadlines.ms) } }
      : {}),
  };
  if (d.trace !== undefined) {
    const t = d.trace;
    const file = resolve(baseDir, t.file);
    checkTrace(file, t.file, issues);
    const traceModels = resolvePopularity(
      models,
      t.models,
      DEMAND_DEFAULTS.zipfS,
      ['demand', 'trace', 'models'],
      issues,
    );
    warnUnmetShares(d.verification, verification, models, traceModels, issues);
    return {
      kind: 'trace',
      file,
      metros: resolveMetroWeights(t.metros ?? 'demand', undefined, ['demand', 'trace', 'metros'], issues),
      timeScale: t.timeScale ?? DEMAND_DEFAULTS.timeScale,
      models: traceModels,
      ...common,
    };
  }
  const popularity = resolvePopularity(
    models,
    d.models,
    d.popularity?.zipfS ?? DEMAND_DEFAULTS.zipfS,
    ['demand', 'models'],
    issues,
  );
  warnUnmetShares(d.verification, verification, models, popularity, issues);
  const growth = (d.growth ?? []).map((g, i) => resolveGrowth(g, i, issues));
  const tooLarge = simulationTooLarge({ totalRps: d.totalRps ?? 0, bursts, growth }, durationS);
  if (tooLarge !== undefined) issues.addValue(['demand', 'totalRps'], tooLarge, d.totalRps);
  return {
    kind: 'synthetic',
    totalRps: d.totalRps ?? 0,
    metros: resolveMetroWeights(d.metros ?? 'demand', d.regions, ['demand', 'metros'], issues),
    diurnal: d.diurnal ?? { ...DEMAND_DEFAULTS.diurnal },
    models: popularity,
    arrivals: d.arrivals ?? { ...DEMAND_DEFAULTS.arrivals },
    tokens: {
      input: d.tokens ? resolveDistribution(d.tokens.input) : { ...DEMAND_DEFAULTS.input },
      output: d.tokens ? resolveDistribution(d.tokens.output) : { ...DEMAND_DEFAULTS.output },
    },
    growth,
    localModels: (d.localModels ?? []).map((l, i) => resolveLocalModels(l, i, models, issues)),
    ...common,
  };
}

/**
 * Warns about a positive verification share that no requested model (positive popularity) can meet: the
 * workload draws each request's requirement among those its model offers, so such a share is never used.
 */
function warnUnmetShares(
  written: DemandInput['verification'],
  shares: Record<VerificationRequirement, number>,
  models: readonly Model[],
  popularity: readonly WeightedId[],
  issues: IssueList,
): void {
  const requested = new Set(popularity.filter((w) => w.weight > 0).map((w) => w.id));
  const offered = new Set<string>(
    models.filter((m) => requested.has(m.id)).flatMap((m) => m.verification.map((v) => v.mode)),
  );
  for (const req of VERIFICATION_REQUIREMENTS) {
    if (req === 'none' || shares[req] <= 0 || offered.has(req)) continue;
    issues.warn(
      ['demand', 'verification', req],
      `no model in the demand supports ${req}; these requests will be drawn among the modes their model offers`,
      written?.[req] ?? shares[req],
    );
  }
}

function resolveVerification(
  shares: DemandInput['verification'],
  issues: IssueList,
): Record<VerificationRequirement, number> {
  if (shares === undefined) return { none: 1, vanilla: 0, tee: 0, zkml: 0 };
  const raw = {
    none: shares.none ?? 0,
    vanilla: shares.vanilla ?? 0,
    tee: shares.tee ?? 0,
    zkml: shares.zkml ?? 0,
  };
  const total = raw.none + raw.vanilla + raw.tee + raw.zkml;
  if (total <= 0) {
    issues.addValue(['demand', 'verification'], 'expected at least one positive share', shares);
    return { none: 1, vanilla: 0, tee: 0, zkml: 0 };
  }
  return {
    none: raw.none / total,
    vanilla: raw.vanilla / total,
    tee: raw.tee / total,
    zkml: raw.zkml / total,
  };
}

function resolveBurst(
  b: DemandInput['bursts'][number],
  i: number,
  models: readonly Model[],
  durationS: number,
  issues: IssueList,
): ResolvedBurst {
  const path = ['demand', 'bursts', i];
  if (b.atS >= durationS) {
    issues.addValue([...path, 'atS'], `starts after the end of the run (durationS ${durationS})`, b.atS);
  }
  if (b.model !== undefined && !models.some((m) => m.id === b.model)) {
    issues.addValue([...path, 'model'], 'unknown model (not among the scenario models)', b.model);
  }
  b.metros?.forEach((id, j) => {
    if (metroById(id) === undefined) issues.addValue([...path, 'metros', j], 'unknown metro', id);
  });
  const out: ResolvedBurst = { atS: b.atS, durationS: b.durationS, factor: b.factor };
  if (b.model !== undefined) out.model = b.model;
  if (b.metros !== undefined) out.metros = [...b.metros];
  if (b.region !== undefined) out.region = b.region;
  return out;
}

/** The trace must exist and start with the Azure trace header. */
function checkTrace(file: string, written: string, issues: IssueList): void {
  const path = ['demand', 'trace', 'file'];
  if (!existsSync(file)) {
    issues.addValue(path, 'file not found (paths are relative to the scenario file)', written);
    return;
  }
  let first: string | undefined;
  try {
    first = firstLine(file);
  } catch (e) {
    issues.addValue(
      path,
      `cannot read the trace (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      written,
    );
    return;
  }
  if (first !== TRACE_HEADER) {
    issues.addValue(path, `expected a CSV whose first line is "${TRACE_HEADER}" (found "${first}")`, written);
  }
}

function firstLine(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf
      .toString('utf8', 0, n)
      .split(/\r?\n/)[0]
      ?.replace(/^\uFEFF/, '')
      .trim();
  } finally {
    closeSync(fd);
  }
}

function resolveGrowth(g: GrowthInput, i: number, issues: IssueList): ResolvedGrowth {
  g.metros?.forEach((id, j) => {
    if (metroById(id) === undefined)
      issues.addValue(['demand', 'growth', i, 'metros', j], 'unknown metro', id);
  });
  const out: ResolvedGrowth = { perDay: g.perDay };
  if (g.metros !== undefined) out.metros = [...g.metros];
  if (g.region !== undefined) out.region = g.region;
  return out;
}

function resolveLocalModels(
  l: LocalModelsInput,
  i: number,
  models: readonly Model[],
  issues: IssueList,
): ResolvedLocalModels {
  const path = ['demand', 'localModels', i];
  l.metros?.forEach((id, j) => {
    if (metroById(id) === undefined) issues.addValue([...path, 'metros', j], 'unknown metro', id);
  });
  const out: ResolvedLocalModels = {
    models: resolvePopularity(models, l.models, 0, [...path, 'models'], issues),
  };
  if (l.metros !== undefined) out.metros = [...l.metros];
  if (l.region !== undefined) out.region = l.region;
  return out;
}
