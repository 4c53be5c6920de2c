import { NO_LABEL } from '../model/label-codes.js';
import type { Instance } from './instance.js';
import type { ModelSize } from './solver.js';
import type { Pick, Plan } from './types.js';

/**
 * The placement MILP of docs/placement.md as plain sparse arrays (row-wise), ready for HiGHS' structured
 * input. Columns: y (new sites), x (site × model), then the continuous coverage and diversity columns.
 * Pure: no solver here, so the model can be inspected and tested on its own.
 */

/** A continuous column group whose optimal values follow from the integer columns (for warm starts). */
interface Derived {
  /** Columns filled in order, each up to its upper bound, from the sum of `terms`. */
  cols: number[];
  terms: number[];
}

export interface Milp {
  numCols: number;
  numRows: number;
  colCost: Float64Array;
  colLower: Float64Array;
  colUpper: Float64Array;
  integrality: Int32Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  starts: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  /** Site → column of y (new node opened, or existing node changed). */
  yCol: Int32Array;
  /** Site → columns of x, parallel to `instance.siteModels[site]`. */
  xCols: Int32Array[];
  derived: Derived[];
  size: ModelSize;
}

class Builder {
  cost: number[] = [];
  lower: number[] = [];
  upper: number[] = [];
  integer: number[] = [];
  rowLo: number[] = [];
  rowHi: number[] = [];
  starts: number[] = [0];
  idx: number[] = [];
  val: number[] = [];

  col(cost: number, lower: number, upper: number, integer: boolean): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer ? 1 : 0);
    return this.cost.length - 1;
  }

  row(cols: readonly number[], coefs: readonly number[], lo: number, hi: number): void {
    for (let k = 0; k < cols.length; k++) {
      this.idx.push(cols[k]!);
      this.val.push(coefs[k]!);
    }
    this.starts.push(this.idx.length);
    this.rowLo.push(lo);
    this.rowHi.push(hi);
  }

  /** Columns standing for "at least one of these x is 1", by the x columns they stand for. */
  private readonly orTerms = new Map<string, number>();

  /**
   * Sums of several columns as one term: the column itself when alone, else u ≤ Σ cols in [0,1]. The same
   * set of columns always gets the same u (pairs reached by the same replicas of one domain share it).
   */
  orTerm(cols: readonly number[], derived: Derived[]): number {
    if (cols.length === 1) return cols[0]!;
    const key = cols.join(',');
    const known = this.orTerms.get(key);
    if (known !== undefined) return known;
    const u = this.col(0, 0, 1, false);
    this.row([u, ...cols], [1, ...cols.map(() => -1)], Number.NEGATIVE_INFINITY, 0);
    derived.push({ cols: [u], terms: [...cols] });
    this.orTerms.set(key, u);
    return u;
  }
}

function groupBy(cols: readonly number[], keys: readonly number[]): number[][] {
  const map = new Map<number, number[]>();
  const alone: number[][] = [];
  cols.forEach((c, k) => {
    // A column without a label value is a group of its own (it shares the dimension with no one).
    if (keys[k] === NO_LABEL) {
      alone.push([c]);
      return;
    }
    const list = map.get(keys[k]!) ?? [];
    list.push(c);
    map.set(keys[k]!, list);
  });
  return [...map.values(), ...alone];
}

/** Builds the MILP for an instance. */
export function buildMilp(inst: Instance): Milp {
  const b = new Builder();
  const derived: Derived[] = [];
  const INF = Number.POSITIVE_INFINITY;
  const { sites, siteModels, models, pairs } = inst;
  const yCol = new Int32Array(sites.length).fill(-1);
  sites.forEach((_, i) => {
    yCol[i] = b.col(0, 0, 1, true);
  });
  const xCols = siteModels.map((list) => Int32Array.from(list, () => b.col(0, 0, 1, true)));

  // Site rows: x ≤ y, memory.
  sites.forEach((s, i) => {
    const xs = [...xCols[i]!];
    const f = siteModels[i]!.map((sm) => models[sm.model]!.footprintGb);
    const y = yCol[i]!;
    for (const x of xs) b.row([x, y], [1, -1], -INF, 0);
    if (f.reduce((a, c) => a + c, 0) > s.memory) b.row([...xs, y], [...f, -s.memory], -INF, 0);
  });

  // K, budget, existing nodes changed, caps, groups.
  const fresh = sites.flatMap((s, i) => (s.isNew ? [i] : []));
  const slots = sites.flatMap((s, i) => (s.isNew ? [] : [i]));
  if (fresh.length > 0) {
    const ys = fresh.map((i) => yCol[i]!);
    b.row(
      ys,
      ys.map(() => 1),
      -INF,
      inst.options.add,
    );
    if (inst.options.budgetUsd !== undefined) {
      b.row(
        ys,
        fresh.map((i) => sites[i]!.input.costUsdMonth),
        -INF,
        inst.options.budgetUsd,
      );
    }
  }
  if (slots.length > inst.options.warmExisting) {
    b.row(
      slots.map((i) => yCol[i]!),
      slots.map(() => 1),
      -INF,
      inst.options.warmExisting,
    );
  }
  for (const cap of inst.caps) {
    b.row(
      cap.sites.map((s) => yCol[s]!),
      cap.sites.map(() => 1),
      -INF,
      cap.limit,
    );
  }
  const groups = new Map<number, number[]>();
  sites.forEach((s, i) => {
    if (!s.isNew) return;
    const list = groups.get(s.group) ?? [];
    list.push(yCol[i]!);
    groups.set(s.group, list);
  });
  for (const g of groups.values())
    if (g.length > 1)
      b.row(
        g,
        g.map(() => 1),
        -INF,
        1,
      );

  // Coverage: per pair, the x columns reaching it, grouped by domain value. Pairs with the same
  // existing coverage reached by the same x columns always have the same a and b: they are one term
  // with their weights added (on the benchmark instance 3,543 pairs are 2,472 terms).
  const optCols: number[][] = Array.from({ length: pairs.count }, () => []);
  const optDom: number[][] = Array.from({ length: pairs.count }, () => []);
  siteModels.forEach((list, s) => {
    list.forEach((sm, k) => {
      for (const j of sm.reach) {
        optCols[j]!.push(xCols[s]![k]!);
        optDom[j]!.push(sites[s]!.domain);
      }
    });
  });
  const merged = new Map<string, { first: number; weight: number }>();
  for (let j = 0; j < pairs.count; j++) {
    const key = `${pairs.cnt0[j]}:${optCols[j]!.join(',')}`;
    const term = merged.get(key);
    if (term === undefined) merged.set(key, { first: j, weight: pairs.weight[j]! });
    else term.weight += pairs.weight[j]!;
  }
  const rho = inst.options.robustWeight;
  for (const { first: j, weight: w } of merged.values()) {
    const terms = groupBy(optCols[j]!, optDom[j]!).map((cols) => b.orTerm(cols, derived));
    const cover: number[] = [];
    if (pairs.cnt0[j] === 0) cover.push(b.col(w, 0, 1, false));
    if (rho > 0) cover.push(b.col(rho * w, 0, 1, false));
    if (cover.length === 0) continue;
    b.row([...cover, ...terms], [...cover.map(() => 1), ...terms.map(() => -1)], -INF, 0);
    derived.push({ cols: cover, terms });
  }

  // Diversity: extra distinct providers per popular model.
  for (const p of inst.popular) {
    const cols: number[] = [];
    const provs: number[] = [];
    siteModels.forEach((list, s) => {
      list.forEach((sm, k) => {
        const prov = sites[s]!.provider;
        if (sm.model === p.model && prov !== NO_LABEL && !p.existing.has(prov)) {
          cols.push(xCols[s]![k]!);
          provs.push(sites[s]!.provider);
        }
      });
    });
    if (cols.length === 0) continue;
    const terms = groupBy(cols, provs).map((c) => b.orTerm(c, derived));
    const e = b.col(p.weight, 0, p.need, false);
    b.row([e, ...terms], [1, ...terms.map(() => -1)], -INF, 0);
    derived.push({ cols: [e], terms });
  }

  const integers = b.integer.reduce((s, v) => s + v, 0);
  return {
    numCols: b.cost.length,
    numRows: b.rowLo.length,
    colCost: Float64Array.from(b.cost),
    colLower: Float64Array.from(b.lower),
    colUpper: Float64Array.from(b.upper),
    integrality: Int32Array.from(b.integer),
    rowLower: Float64Array.from(b.rowLo),
    rowUpper: Float64Array.from(b.rowHi),
    starts: Int32Array.from(b.starts),
    indices: Int32Array.from(b.idx),
    values: Float64Array.from(b.val),
    yCol,
    xCols,
    derived,
    size: { columns: b.cost.length, integers, rows: b.rowLo.length, nonzeros: b.idx.length },
  };
}

/** Column values of a plan with the continuous columns at their best values (a MILP start). */
export function planColumns(inst: Instance, milp: Milp, plan: Plan): Float64Array {
  const v = new Float64Array(milp.numCols);
  for (const { site, models } of plan.picks) {
    v[milp.yCol[site]!] = 1;
    inst.siteModels[site]!.forEach((sm, k) => {
      if (models.includes(sm.model)) v[milp.xCols[site]![k]!] = 1;
    });
  }
  for (const d of milp.derived) {
    let t = d.terms.reduce((s, c) => s + v[c]!, 0);
    for (const c of d.cols) {
      const x = Math.min(milp.colUpper[c]!, t);
      v[c] = x;
      t -= x;
    }
  }
  return v;
}

/**
 * The plan encoded by MILP column values (x, y rounded at 0.5). A new site opened without any warm model
 * adds nothing to the objective and is left out.
 */
export function planFromColumns(inst: Instance, milp: Milp, values: ArrayLike<number>): Plan {
  const picks: Pick[] = [];
  inst.sites.forEach((_, i) => {
    if (values[milp.yCol[i]!]! < 0.5) return;
    const models = inst.siteModels[i]!.filter((_, k) => values[milp.xCols[i]![k]!]! > 0.5).map(
      (sm) => sm.model,
    );
    if (models.length > 0) picks.push({ site: i, models });
  });
  return { picks };
}
