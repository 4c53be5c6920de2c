import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { minHittingSetOfSubset } from './hitting-set.js';
import { buildInstance, type Instance, instanceOfSubset, reduceInstance } from './hitting-set-instance.js';
import { impliedSets } from './implied-sets.js';
import { type Rows, rowsOf } from './rows.js';
import { Scratch } from './scratch.js';

/** `size` distinct row indices below `count`, in the order drawn. */
function randomSubset(rng: Rng, size: number, count: number): Int32Array {
  const picked = new Set<number>();
  while (picked.size < size) picked.add(rng.int(count));
  return Int32Array.from(picked);
}

/** Random elements over `sets` sets, 1–4 sets each, some of them nested (a few dominated sets). */
function randomElements(rng: Rng, count: number, sets: number, repeats: boolean): number[][] {
  return Array.from({ length: count }, () => {
    const parent = rng.int(sets >> 1);
    const list = [parent, (sets >> 1) + parent + (rng.chance(0.3) ? 1 : 0)];
    for (let k = rng.int(3); k > 0; k--) list.push(rng.int(sets));
    if (repeats && rng.chance(0.2)) list.push(list[0]!);
    return list;
  });
}

function lists(rows: Rows): number[][] {
  return Array.from({ length: rows.start.length - 1 }, (_, r) => [
    ...rows.items.subarray(rows.start[r]!, rows.start[r + 1]!),
  ]);
}

describe('reduceInstance', () => {
  it('reaches its fixed point in one pass: reducing 200 random reduced instances again (seed 3) drops nothing', () => {
    const rng = new Rng(3);
    let dropping = 0;
    for (let t = 0; t < 200; t++) {
      const elements = randomElements(rng, 5 + rng.int(60), 6 + rng.int(20), false);
      const { inst } = buildInstance(rowsOf(elements), false);
      const reduced = reduceInstance(inst);
      if (reduced !== inst) dropping++;
      expect(reduceInstance(reduced)).toBe(reduced);
    }
    // The test means something only if most instances had sets to drop.
    expect(dropping).toBeGreaterThan(150);
  });

  it('goes on until nothing drops when an element lists a set twice (60 random instances, seed 4)', () => {
    const rng = new Rng(4);
    for (let t = 0; t < 60; t++) {
      const elements = randomElements(rng, 5 + rng.int(40), 6 + rng.int(14), true);
      const reduced = reduceInstance(buildInstance(rowsOf(elements), false).inst);
      expect(reduceInstance(reduced)).toBe(reduced);
    }
  });
});

describe('minHittingSetOfSubset with one reusing scratch', () => {
  it('answers 80 random subsets of all sizes (seed 6) as with fresh arrays', () => {
    const rng = new Rng(6);
    // Distinct sorted rows, as label classes are: one value on each of three dimensions.
    const seen = new Set<string>();
    const classes: number[][] = [];
    for (let k = 0; k < 3000; k++) {
      const row = [rng.int(20), 20 + rng.int(200), 220 + rng.int(30)];
      if (!seen.has(row.join())) classes.push(row);
      seen.add(row.join());
    }
    const source = rowsOf(classes);
    const scratch = new Scratch();
    for (let t = 0; t < 80; t++) {
      const subset = randomSubset(rng, 1 + rng.int(t % 2 === 0 ? 40 : classes.length), classes.length);
      const fresh = minHittingSetOfSubset(source, subset);
      expect(minHittingSetOfSubset(source, subset, { scratch })).toEqual(fresh);
    }
    expect(lists(source)).toEqual(classes);
  });
});

/** Label-class-like rows: provider 0–5, an ASN of that provider (10–39), operator 40–99, country 100–109. */
function hierarchicalRows(rng: Rng, count: number, ragged: boolean): number[][] {
  const seen = new Set<string>();
  const rows: number[][] = [];
  for (let k = 0; k < count; k++) {
    const asn = 10 + rng.int(30);
    const row = [(asn - 10) % 6, asn, 40 + rng.int(60), 100 + rng.int(10)];
    // Ragged: some rows lack the operator, so rows differ in length.
    if (ragged && rng.chance(0.2)) row.splice(2, 1);
    if (!seen.has(row.join())) rows.push(row);
    seen.add(row.join());
  }
  return rows;
}

const shape = (inst: Instance) => [lists(inst.elements), lists(inst.hits), [...inst.ids]];

describe('instanceOfSubset leaving out implied sets', () => {
  it('marks the ASNs, each always seen with its provider, and nothing else', () => {
    const rows = hierarchicalRows(new Rng(12), 2000, false);
    const implied = impliedSets(rowsOf(rows));
    expect([...implied.keys()].filter((s) => implied[s] === 1)).toEqual(
      Array.from({ length: 30 }, (_, k) => 10 + k),
    );
  });

  it('reduces 120 random subsets (seed 13) to the same instance, solved the same, ragged rows included', () => {
    const rng = new Rng(13);
    for (const ragged of [false, true]) {
      const rows = hierarchicalRows(rng, 3000, ragged);
      const source = rowsOf(rows);
      const implied = impliedSets(source);
      const scratch = new Scratch();
      for (let t = 0; t < 60; t++) {
        const subset = randomSubset(rng, 1 + rng.int(t % 3 === 0 ? 8 : rows.length), rows.length);
        const plain = reduceInstance(instanceOfSubset(source, subset));
        expect(shape(reduceInstance(instanceOfSubset(source, subset, undefined, implied)))).toEqual(
          shape(plain),
        );
        expect(minHittingSetOfSubset(source, subset, { scratch, implied })).toEqual(
          minHittingSetOfSubset(source, subset),
        );
      }
    }
  });
});
