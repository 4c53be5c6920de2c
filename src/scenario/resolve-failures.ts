import type { Node } from '../model/node.js';
import type { IssueList } from './issues.js';
import type { FailureInput, SelectorInput } from './schema.js';
import { matchesSelector, NODE_FIELD_DIMENSIONS, nodeDimensionValue } from './selector.js';
import type { ResolvedFailure, ResolvedSelector } from './types.js';

/** `{ provider: aws, asn: [16509, 14618] }` → `{ provider: ['aws'], asn: ['16509', '14618'] }`. */
export function resolveSelector(s: SelectorInput): ResolvedSelector {
  const out: ResolvedSelector = {};
  for (const [dim, v] of Object.entries(s)) out[dim] = (Array.isArray(v) ? v : [v]).map(String);
  return out;
}

/**
 * Normalises failures. An outage must start before the end of the run. A selector whose dimensions all
 * exist in the network (a node field or a label some node carries) but that matches no node is refused as a
 * likely typo; a dimension no node carries is allowed (a label nodes may carry in other versions of the
 * network) but selects nothing, which a warning says.
 */
export function resolveFailures(
  inputs: readonly FailureInput[],
  nodes: readonly Node[],
  durationS: number,
  issues: IssueList,
): ResolvedFailure[] {
  const dimensions = new Set<string>(NODE_FIELD_DIMENSIONS);
  for (const n of nodes) for (const d of Object.keys(n.labels)) dimensions.add(d);
  return inputs.map((f, i) => {
    const selector = f.selector === undefined ? undefined : resolveSelector(f.selector);
    if (selector !== undefined) checkSelector(selector, f.selector!, i, nodes, dimensions, issues);
    if (f.kind === 'outage') {
      if (f.atS >= durationS) {
        issues.addValue(
          ['failures', i, 'atS'],
          `starts after the end of the run (durationS ${durationS})`,
          f.atS,
        );
      }
      return { kind: 'outage', atS: f.atS, durationS: f.durationS, selector: selector! };
    }
    return {
      kind: 'random',
      mtbfHours: f.mtbfHours,
      mttrMinutes: f.mttrMinutes,
      ...(selector !== undefined ? { selector } : {}),
    };
  });
}

function checkSelector(
  selector: ResolvedSelector,
  written: SelectorInput,
  i: number,
  nodes: readonly Node[],
  dimensions: ReadonlySet<string>,
  issues: IssueList,
): void {
  const dims = Object.keys(selector);
  const unknown = dims.find((d) => !dimensions.has(d));
  if (unknown !== undefined) {
    issues.warn(
      ['failures', i, 'selector', unknown],
      `no node carries "${unknown}" (neither a node field, ${NODE_FIELD_DIMENSIONS.join(', ')}, nor a label of any node): this failure hits no node`,
      written[unknown],
    );
    return;
  }
  if (nodes.some((n) => matchesSelector(n, selector))) return;
  const culprit = dims.find((d) => !nodes.some((n) => selector[d]!.includes(nodeDimensionValue(n, d) ?? '')));
  if (culprit !== undefined) {
    issues.addValue(['failures', i, 'selector', culprit], `no node has this ${culprit}`, written[culprit]);
  } else {
    issues.addValue(
      ['failures', i, 'selector'],
      'matches no node (each value exists, but not together)',
      written,
    );
  }
}
