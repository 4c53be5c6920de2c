import { describe, expect, it } from 'vitest';
import { NodeDeltas } from './deltas.js';
import type { UiNodeDyn, UiNodeFixed } from './snapshot.js';

const fixed = (id: string): UiNodeFixed => ({
  id,
  lat: 50,
  lon: 8,
  metro: 'frankfurt',
  operator: 'op',
  labels: { provider: 'p' },
  roles: ['inference'],
  slots: 4,
});
const dyn = (running: number): UiNodeDyn => ({
  health: 'fresh',
  breaker: 'closed',
  running,
  queued: 0,
  inflight: 0,
  load: running / 4,
  warm: [],
  loading: [],
});

describe('what the live stream sends a page per tick', () => {
  const a = fixed('a');
  const b = fixed('b');

  it('the first tick sends every node whole', () => {
    const d = new NodeDeltas().next([{ fixed: a, dyn: dyn(0) }]);
    expect(d).toEqual({ kind: 'full', nodes: [{ ...a, dyn: dyn(0) }] });
  });

  it('then only the nodes whose changing part moved (b: 0 → 2 running), and nothing when none did', () => {
    const deltas = new NodeDeltas();
    deltas.next([
      { fixed: a, dyn: dyn(0) },
      { fixed: b, dyn: dyn(0) },
    ]);
    const parts = [
      { fixed: a, dyn: dyn(0) },
      { fixed: b, dyn: dyn(2) },
    ];
    expect(deltas.next(parts)).toEqual({ kind: 'changed', changed: [['b', dyn(2)]] });
    expect(deltas.next(parts)).toEqual({ kind: 'changed', changed: [] });
  });

  it('a node that joins, leaves or is registered again (a new fixed part) sends every node again', () => {
    const deltas = new NodeDeltas();
    deltas.next([{ fixed: a, dyn: dyn(0) }]);
    expect(
      deltas.next([
        { fixed: a, dyn: dyn(0) },
        { fixed: b, dyn: dyn(0) },
      ]).kind,
    ).toBe('full');
    expect(deltas.next([{ fixed: b, dyn: dyn(0) }]).kind).toBe('full');
    expect(deltas.next([{ fixed: fixed('b'), dyn: dyn(0) }]).kind).toBe('full');
  });
});
