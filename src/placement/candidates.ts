import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError, type InputIssue } from '../errors.js';
import { metroById } from '../geo/metros.js';
import { PROVIDERS, type Provider, providerById } from '../geo/providers.js';
import { ACCELERATORS } from '../model/accelerators.js';
import { AcceleratorClass, Id } from '../model/common.js';
import { parseOrThrow } from '../model/validate.js';
import { parseYaml } from '../scenario/yaml-source.js';
import type { SiteInput } from './types.js';

/**
 * Candidate sites for new nodes: by default every site × accelerator of the provider catalog with a
 * listed price; or a YAML/JSON file (`--candidates`). Cost per month = accelerator-hour price ×
 * accelerators × 730 h; a file's candidate with neither a price nor a catalog price has an unknown
 * price (reported as unknown; refused with a budget, see `requirePricesForBudget`).
 */

export const HOURS_PER_MONTH = 730;

const labelValue = z.union([z.string().min(1), z.number()]).transform(String);

/** One candidate as written in a candidates file. Missing fields are filled from the catalogs. */
export const CandidateInput = z.strictObject({
  id: Id.optional(),
  metro: Id,
  provider: Id,
  accelerator: AcceleratorClass,
  /** Accelerators in the node (default: the class's typical node size). */
  count: z.number().int().min(1).max(64).optional(),
  /** Accelerator memory of the whole node, GB (default: count × datasheet memory). */
  memoryGb: z.number().positive().optional(),
  /** Monthly cost, USD (default: the catalog price per accelerator-hour × count × 730). */
  costUsdMonth: z.number().min(0).optional(),
  gpuHourUsd: z.number().min(0).optional(),
  asn: labelValue.optional(),
  datacenter: z.string().min(1).optional(),
  /** Any further labels (operator, country, …). */
  labels: z.record(z.string(), labelValue).optional(),
});
export type CandidateInput = z.infer<typeof CandidateInput>;

/** A candidates file: `{candidates: [...]}`, or the bare list (read as if under `candidates`). */
export const CandidatesFile = z.strictObject({ candidates: z.array(CandidateInput) });

type LineOf = (path: readonly PropertyKey[]) => number | undefined;

function siteOf(c: CandidateInput, index: number, source: string, lineOf: LineOf): SiteInput {
  const path = `candidates[${index}]`;
  const fail = (field: string, message: string, value: unknown): never => {
    const line = lineOf(['candidates', index, field]);
    const issue: InputIssue = { path: `${path}.${field}`, message };
    if (value !== undefined) issue.value = value;
    if (line !== undefined) issue.line = line;
    throw new InputError(source, [issue]);
  };
  const metro = metroById(c.metro) ?? fail('metro', 'unknown metro (see src/geo/metros.ts)', c.metro);
  const provider: Provider | undefined = providerById(c.provider);
  const count = c.count ?? ACCELERATORS[c.accelerator].typicalCount;
  const memoryGb = c.memoryGb ?? count * ACCELERATORS[c.accelerator].memoryGb;
  const hourly = c.gpuHourUsd ?? provider?.gpuHourUsd[c.accelerator];
  const costUsdMonth =
    c.costUsdMonth ?? (hourly !== undefined ? Math.round(hourly * count * HOURS_PER_MONTH) : undefined);
  const asn =
    c.asn ??
    (provider?.asns[0] !== undefined
      ? String(provider.asns[0])
      : fail('asn', 'required for a provider not in the catalog', undefined));
  const datacenter =
    c.datacenter ??
    provider?.sites.find((s) => s.metro === c.metro)?.datacenter ??
    `${c.provider}-${c.metro}`;
  return {
    id: c.id ?? `${c.metro}/${c.provider}/${c.accelerator}`,
    metro: c.metro,
    labels: { country: metro.country, ...c.labels, provider: c.provider, asn, datacenter },
    accelerator: c.accelerator,
    count,
    memoryGb,
    ...(costUsdMonth === undefined ? { costUsdMonth: 0, priceUnknown: true } : { costUsdMonth }),
  };
}

/** Reads a candidates file (YAML or JSON: a list, or `{candidates: [...]}`); InputError on bad content. */
export async function loadCandidatesFile(file: string): Promise<SiteInput[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(file, [{ path: '', message: `cannot read file: ${(e as Error).message}` }], {
      cause: e,
    });
  }
  const { data, lineOf } = parseYaml(text, file);
  if (data === null || data === undefined) throw new InputError(file, [{ path: '', message: 'empty file' }]);
  // A bare list is read as `{candidates: list}` so that every message names `candidates[i]`.
  const bare = Array.isArray(data);
  const doc = bare ? { candidates: data } : data;
  const lines = (path: readonly PropertyKey[]) => lineOf(bare ? path.slice(1) : path);
  const list = parseOrThrow(CandidatesFile, doc, file, lines).candidates;
  if (list.length === 0) throw new InputError(file, [{ path: 'candidates', message: 'no candidates' }]);
  const sites = list.map((c, i) => siteOf(c, i, file, lines));
  const seen = new Map<string, number>();
  sites.forEach((s, i) => {
    const prior = seen.get(s.id);
    if (prior !== undefined) {
      throw new InputError(file, [
        {
          path: `candidates[${i}].id`,
          message: `duplicate candidate id (also candidates[${prior}])`,
          value: s.id,
        },
      ]);
    }
    seen.set(s.id, i);
  });
  return sites;
}

/** Every provider site × accelerator class with a listed price (not `api`), one node of typical size each. */
export function catalogCandidates(providers: readonly Provider[] = PROVIDERS): SiteInput[] {
  const out: SiteInput[] = [];
  for (const p of providers) {
    for (const site of p.sites) {
      const metro = metroById(site.metro);
      if (metro === undefined) continue;
      for (const accelerator of p.accelerators) {
        const hourly = p.gpuHourUsd[accelerator];
        if (hourly === undefined || accelerator === 'api') continue;
        const spec = ACCELERATORS[accelerator];
        out.push({
          id: `${site.metro}/${p.id}/${site.datacenter}/${accelerator}`,
          metro: site.metro,
          labels: {
            provider: p.id,
            asn: String(p.asns[0] ?? p.id),
            datacenter: site.datacenter,
            country: metro.country,
          },
          accelerator,
          count: spec.typicalCount,
          memoryGb: spec.typicalCount * spec.memoryGb,
          costUsdMonth: Math.round(hourly * spec.typicalCount * HOURS_PER_MONTH),
        });
      }
    }
  }
  return out;
}

/**
 * A budget can only be checked against known prices: InputError naming each candidate of unknown price
 * when a budget is set.
 */
export function requirePricesForBudget(
  sites: readonly SiteInput[],
  budgetUsd: number | undefined,
  source: string,
): void {
  if (budgetUsd === undefined) return;
  const issues: InputIssue[] = sites.flatMap((s, i) =>
    s.priceUnknown
      ? [
          {
            path: `candidates[${i}].costUsdMonth`,
            message: `required with --budget: the catalog lists no price for ${s.id} (give costUsdMonth or gpuHourUsd)`,
          },
        ]
      : [],
  );
  if (issues.length > 0) throw new InputError(source, issues);
}
