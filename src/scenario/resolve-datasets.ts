import { metroById } from '../geo/metros.js';
import { providerById } from '../geo/providers.js';
import type { Dataset } from '../model/dataset.js';
import type { Node } from '../model/node.js';
import { hashString, Rng } from '../util/rng.js';
import type { IssueList } from './issues.js';
import type { DatasetInput } from './schema.js';

/**
 * Resolves datasets: a listed `heldBy` must name existing nodes with the `data` role; a selector picks
 * `count` matching data nodes deterministically (seed, dataset index), one per metro first, then more.
 */
export function resolveDatasets(
  inputs: readonly DatasetInput[],
  nodes: readonly Node[],
  seed: number,
  issues: IssueList,
): Dataset[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const dataNodes = nodes.filter((n) => n.roles.includes('data'));
  const seen = new Set<string>();
  const out: Dataset[] = [];
  inputs.forEach((d, i) => {
    if (seen.has(d.id)) issues.addValue(['datasets', i, 'id'], 'duplicate dataset id', d.id);
    seen.add(d.id);
    const heldBy = Array.isArray(d.heldBy)
      ? checkListed(d.heldBy, i, byId, issues)
      : select(d.heldBy, i, dataNodes, seed, issues);
    if (heldBy.length === 0) return;
    out.push({
      id: d.id,
      sizeGb: d.sizeGb,
      heldBy,
      ...(d.queryGb !== undefined ? { queryGb: d.queryGb } : {}),
    });
  });
  return out;
}

function checkListed(
  ids: readonly string[],
  i: number,
  byId: ReadonlyMap<string, Node>,
  issues: IssueList,
): string[] {
  ids.forEach((id, j) => {
    const node = byId.get(id);
    if (node === undefined) issues.addValue(['datasets', i, 'heldBy', j], 'unknown node', id);
    else if (!node.roles.includes('data')) {
      issues.addValue(
        ['datasets', i, 'heldBy', j],
        `node has no data role (roles: ${node.roles.join(', ')})`,
        id,
      );
    }
  });
  return [...ids];
}

function select(
  sel: Exclude<DatasetInput['heldBy'], string[]>,
  i: number,
  dataNodes: readonly Node[],
  seed: number,
  issues: IssueList,
): string[] {
  const path = ['datasets', i, 'heldBy'];
  sel.metros?.forEach((m, j) => {
    if (metroById(m) === undefined) issues.addValue([...path, 'metros', j], 'unknown metro', m);
  });
  sel.providers?.forEach((p, j) => {
    if (providerById(p) === undefined) issues.addValue([...path, 'providers', j], 'unknown provider', p);
  });
  const candidates = dataNodes.filter(
    (n) =>
      (sel.metros === undefined || sel.metros.includes(n.location.metro)) &&
      (sel.regions === undefined || sel.regions.some((r) => metroById(n.location.metro)?.region === r)) &&
      (sel.providers === undefined || sel.providers.includes(n.labels.provider.value)),
  );
  if (candidates.length < sel.count) {
    issues.addValue(
      [...path, 'count'],
      `only ${candidates.length} data node${candidates.length === 1 ? '' : 's'} match the selector`,
      sel.count,
    );
    return [];
  }
  const shuffled = new Rng(hashString(`${seed}/datasets/${i}`)).shuffle([...candidates]);
  const metros = new Set<string>();
  const first: string[] = [];
  const rest: string[] = [];
  for (const n of shuffled) {
    if (metros.has(n.location.metro)) rest.push(n.id);
    else {
      metros.add(n.location.metro);
      first.push(n.id);
    }
  }
  return [...first, ...rest].slice(0, sel.count);
}
