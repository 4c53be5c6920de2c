import { metroById } from '../geo/metros.js';
import type { Node } from '../model/node.js';
import type { ResolvedSelector } from './types.js';

/** Node fields a selector may name besides label dimensions. */
export const NODE_FIELD_DIMENSIONS = ['id', 'metro', 'region', 'accelerator'] as const;

/** The value of `dimension` on a node: a node field (id, metro, region, accelerator) or a label. */
export function nodeDimensionValue(node: Node, dimension: string): string | undefined {
  switch (dimension) {
    case 'id':
      return node.id;
    case 'metro':
      return node.location.metro;
    case 'region':
      return metroById(node.location.metro)?.region;
    case 'accelerator':
      return node.hardware.accelerator;
    default:
      return node.labels[dimension]?.value;
  }
}

/** True when, for every dimension of the selector, the node's value is one of the listed values. */
export function matchesSelector(node: Node, selector: ResolvedSelector): boolean {
  for (const [dimension, values] of Object.entries(selector)) {
    const v = nodeDimensionValue(node, dimension);
    if (v === undefined || !values.includes(v)) return false;
  }
  return true;
}
