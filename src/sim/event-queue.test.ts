import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { EventQueue } from './event-queue.js';

function drain(q: EventQueue): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  while (q.pop()) out.push([q.t, q.k, q.pa, q.pb]);
  return out;
}

describe('EventQueue', () => {
  it('pops nothing when empty and reports Infinity as the next time', () => {
    const q = new EventQueue();
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(q.size).toBe(0);
  });

  it('pops events in time order with their kind and payloads', () => {
    const q = new EventQueue();
    q.push(30, 3, 300, -3);
    q.push(10, 1, 100, -1);
    q.push(20, 2, 200, -2);
    expect(drain(q)).toEqual([
      [10, 1, 100, -1],
      [20, 2, 200, -2],
      [30, 3, 300, -3],
    ]);
  });

  it('pops events with equal times in insertion order', () => {
    const q = new EventQueue(16);
    for (let i = 0; i < 100; i++) q.push(5, 0, i);
    q.push(1, 9, -1);
    const out = drain(q);
    expect(out[0]).toEqual([1, 9, -1, 0]);
    expect(out.slice(1).map((e) => e[2])).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('matches a stable sort on 20,000 random events pushed and popped interleaved, growing past its capacity', () => {
    const rng = new Rng(7);
    const q = new EventQueue(16);
    const reference: Array<{ t: number; id: number }> = [];
    const popped: number[] = [];
    const expected: number[] = [];
    let id = 0;
    let now = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 100; i++) {
        const t = now + Math.floor(rng.next() * 50);
        q.push(t, 0, id);
        reference.push({ t, id });
        id++;
      }
      reference.sort((x, y) => x.t - y.t || x.id - y.id);
      for (let i = 0; i < 50; i++) {
        q.pop();
        popped.push(q.pa);
        now = q.t;
        expected.push(reference.shift()!.id);
      }
    }
    while (q.pop()) popped.push(q.pa);
    expected.push(...reference.map((r) => r.id));
    expect(popped).toEqual(expected);
  });
});
