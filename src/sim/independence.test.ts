import { describe, expect, it } from 'vitest';
import {
  FALLBACKS_ALL_INDEPENDENT,
  FALLBACKS_DEPENDENT,
  FALLBACKS_SOME_INDEPENDENT,
  fallbackIndependence,
} from './independence.js';

// Nodes 0..3: provider codes and operator codes.
const provider = Int32Array.from([0, 0, 1, 2]);
const operator = Int32Array.from([5, 6, 7, 5]);

describe('fallbackIndependence', () => {
  it.each([
    { name: 'no fallback', nodes: [0], want: FALLBACKS_DEPENDENT },
    { name: 'the fallback shares the provider', nodes: [0, 1], want: FALLBACKS_DEPENDENT },
    { name: 'the fallback differs on every dimension', nodes: [0, 2], want: FALLBACKS_ALL_INDEPENDENT },
    { name: 'one of two fallbacks shares the operator', nodes: [0, 2, 3], want: FALLBACKS_SOME_INDEPENDENT },
  ])('$name', ({ nodes, want }) => {
    const list = Int32Array.from([9, ...nodes]);
    expect(fallbackIndependence([provider, operator], list, 1, nodes.length)).toBe(want);
  });
});
