import { METROS, metroById, type Region } from '../geo/metros.js';
import type { PathSegment } from '../model/validate.js';
import type { IssueList } from './issues.js';
import type { MetroWeights } from './schema.js';
import type { WeightedId } from './types.js';
import { normalise } from './weights.js';

/**
 * Metro weights (`demand` = the catalog's demand weights, or explicit weights by metro id), restricted to
 * `regions` when given, normalised to sum 1. Unknown metros are issues at `path.<metro>`.
 */
export function resolveMetroWeights(
  spec: MetroWeights,
  regions: readonly Region[] | undefined,
  path: PathSegment[],
  issues: IssueList,
): WeightedId[] {
  const before = issues.size;
  const inRegion = (region: Region) => regions === undefined || regions.includes(region);
  let pairs: [string, number][];
  if (spec === 'demand') {
    pairs = METROS.filter((m) => inRegion(m.region)).map((m) => [m.id, m.demandWeight]);
  } else {
    pairs = [];
    for (const [id, w] of Object.entries(spec)) {
      const metro = metroById(id);
      if (metro === undefined) issues.addValue([...path, id], 'unknown metro (not in src/geo/metros.ts)', id);
      else if (inRegion(metro.region)) pairs.push([id, w]);
    }
  }
  const out = normalise(pairs);
  if (out.length === 0 && issues.size === before) {
    issues.add(path, `no metro with a positive weight${regions ? ` in regions ${regions.join(', ')}` : ''}`);
  }
  return out;
}
