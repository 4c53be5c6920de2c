import { describe, expect, it } from 'vitest';
import { Heap } from './heap.js';
import { Rng } from './rng.js';

function drain(h: Heap): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (h.pop()) out.push([h.poppedKey, h.poppedValue]);
  return out;
}

describe('Heap', () => {
  it('pops nothing when empty and reports Infinity as the first key', () => {
    const h = new Heap();
    expect(h.pop()).toBe(false);
    expect(h.peekKey()).toBe(Number.POSITIVE_INFINITY);
    expect(h.size).toBe(0);
  });

  it('pops keys 3, 1, 2 as 1, 2, 3 with their values', () => {
    const h = new Heap();
    h.push(3, 0, 30);
    h.push(1, 0, 10);
    h.push(2, 0, 20);
    expect(h.peekKey()).toBe(1);
    expect(drain(h)).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
  });

  it('breaks equal keys by the smaller tie, whatever the value or push order', () => {
    const h = new Heap();
    h.push(5, 2, 7);
    h.push(5, 0, 9);
    h.push(4, 9, 1);
    h.push(5, 1, 8);
    expect(drain(h).map(([, v]) => v)).toEqual([1, 9, 8, 7]);
  });

  it('is a max-heap with negated keys: gains 2, 5, 5, 1 for sets 0..3 pop as sets 1, 2, 0, 3', () => {
    const h = new Heap();
    for (const [set, gain] of [2, 5, 5, 1].entries()) h.push(-gain, set, set);
    expect(drain(h).map(([k, v]) => [-k, v])).toEqual([
      [5, 1],
      [5, 2],
      [2, 0],
      [1, 3],
    ]);
  });

  it('takes a popped value back, and values far beyond its capacity', () => {
    const h = new Heap(4);
    h.push(1, 0, 0);
    h.push(2, 1000, 1000);
    h.pop();
    h.push(3, 0, 0);
    expect(drain(h)).toEqual([
      [2, 1000],
      [3, 0],
    ]);
  });

  it('matches a stable sort of 20,000 random (key, tie) pairs pushed and popped interleaved, growing from 4', () => {
    const rng = new Rng(11);
    const h = new Heap(4);
    const pending: Array<{ key: number; id: number }> = [];
    const popped: number[] = [];
    const expected: number[] = [];
    let id = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 100; i++) {
        const key = Math.floor(rng.next() * 30);
        h.push(key, id, id);
        pending.push({ key, id });
        id++;
      }
      pending.sort((x, y) => x.key - y.key || x.id - y.id);
      for (let i = 0; i < 50; i++) {
        h.pop();
        popped.push(h.poppedValue);
        expected.push(pending.shift()!.id);
      }
    }
    while (h.pop()) popped.push(h.poppedValue);
    expected.push(...pending.map((p) => p.id));
    expect(popped).toEqual(expected);
  });
});
