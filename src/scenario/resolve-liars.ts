import { greatCircleKm } from '../geo/distance.js';
import { metroById } from '../geo/metros.js';
import type { Node } from '../model/node.js';
import { Rng } from '../util/rng.js';
import type { IssueList } from './issues.js';
import { DEFAULT_SPEED_LIE_FACTOR } from './schema/liars.js';
import type { LiarInput } from './schema.js';
import type { ResolvedLiar, WeightedId } from './types.js';

/** A location liar's default claim is the busiest demand metro at least this far from where it is. */
export const MIN_CLAIM_KM = 2000;

/**
 * Resolves the `liars` section into one entry per lying node. Named nodes must exist; drawn nodes are
 * distinct inference nodes not lying already, drawn with the scenario seed in file order. A node lies
 * one way only. A location liar's claim is a catalog metro at least `MIN_CLAIM_KM` away; a speed liar's
 * factor defaults to `DEFAULT_SPEED_LIE_FACTOR`.
 */
export function resolveLiars(
  inputs: readonly LiarInput[],
  nodes: readonly Node[],
  demandMetros: readonly WeightedId[],
  seed: number,
  issues: IssueList,
): ResolvedLiar[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const taken = new Set<string>();
  const rng = new Rng(seed).fork('liars');
  const pool = rng.shuffle(nodes.filter((n) => n.roles.includes('inference')).map((n) => n.id));
  const out: ResolvedLiar[] = [];
  inputs.forEach((l, i) => {
    let chosen: string[] = [];
    if (l.node !== undefined) {
      if (!byId.has(l.node)) issues.addValue(['liars', i, 'node'], 'no node has this id', l.node);
      else if (taken.has(l.node)) issues.addValue(['liars', i, 'node'], 'this node already lies', l.node);
      else chosen = [l.node];
    } else {
      chosen = pool.filter((id) => !taken.has(id)).slice(0, l.count);
      if (chosen.length < l.count!)
        issues.addValue(['liars', i, 'count'], `only ${chosen.length} inference nodes are left`, l.count);
    }
    for (const id of chosen) {
      taken.add(id);
      const liar: ResolvedLiar = { node: id, lie: l.lie, rate: l.rate };
      if (l.lie === 'speed') liar.factor = l.factor ?? DEFAULT_SPEED_LIE_FACTOR;
      if (l.lie === 'location') {
        const claim = claimFor(byId.get(id)!, l.claim, demandMetros);
        if (claim === undefined) {
          const what = l.claim === undefined ? 'no demand metro is far enough' : 'not a catalog metro';
          issues.addValue(['liars', i, 'claim'], what, l.claim);
        } else liar.claim = claim;
      }
      out.push(liar);
    }
  });
  return out;
}

function claimFor(
  node: Node,
  written: string | undefined,
  demandMetros: readonly WeightedId[],
): ResolvedLiar['claim'] {
  if (written !== undefined) {
    const m = metroById(written);
    return m && { metro: m.id, lat: m.lat, lon: m.lon };
  }
  const far = demandMetros
    .map((w) => ({ m: metroById(w.id), w: w.weight }))
    .filter((x) => x.m !== undefined && greatCircleKm(x.m, node.location) >= MIN_CLAIM_KM)
    .sort((a, b) => b.w - a.w || a.m!.id.localeCompare(b.m!.id));
  const m = far[0]?.m;
  return m && { metro: m.id, lat: m.lat, lon: m.lon };
}
