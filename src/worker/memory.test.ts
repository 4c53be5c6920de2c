import { describe, expect, it } from 'vitest';
import { AcceleratorMemory } from './memory.js';

const weights = new Map([
  ['a', 16],
  ['b', 15],
  ['c', 14],
  ['huge', 100],
]);

describe('AcceleratorMemory', () => {
  it('loads without eviction while the weights fit', () => {
    const m = new AcceleratorMemory(40, weights);
    expect(m.planLoad('a')).toEqual([]);
    m.startLoad('a', [], 0, 1000);
    expect(m.state('a')).toBe('loading');
    expect(m.usedGb()).toBe(16);
    expect(m.planLoad('b')).toEqual([]);
  });

  it('evicts the least recently used idle model to make room', () => {
    const m = new AcceleratorMemory(32, weights);
    m.preload('a', 0);
    m.preload('b', 10);
    m.pin('a', 20);
    m.unpin('a', 30); // a used last → b is the LRU
    expect(m.planLoad('c')).toEqual(['b']);
    m.startLoad('c', ['b'], 40, 7000);
    expect(m.ids('resident')).toEqual(['a']);
    expect(m.loading('c', 40 + 3500)).toEqual({ progress: 0.5, remainingMs: 3500 });
  });

  it('never evicts a model that is serving a request', () => {
    const m = new AcceleratorMemory(32, weights);
    m.preload('a', 0);
    m.preload('b', 10);
    m.pin('a', 20);
    m.pin('b', 20);
    expect(m.planLoad('c')).toBeUndefined();
  });

  it('refuses a model larger than the whole memory, and unknown models', () => {
    const m = new AcceleratorMemory(80, weights);
    expect(m.planLoad('huge')).toBeUndefined();
    expect(m.planLoad('nope')).toBeUndefined();
  });

  it('reports loading progress as complete once the load time has passed', () => {
    const m = new AcceleratorMemory(80, weights);
    m.startLoad('a', [], 0, 100);
    expect(m.loading('a', 250)).toEqual({ progress: 1, remainingMs: 0 });
    m.finishLoad('a', 250);
    expect(m.loading('a', 250)).toBeUndefined();
    expect(m.state('a')).toBe('resident');
  });
});
