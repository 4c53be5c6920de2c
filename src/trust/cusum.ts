/**
 * Page's CUSUM on a stream of checks of one claim, each either held or contradicted (Page, 1954). Under
 * H0 an honest node is contradicted with probability `p0` (stale telemetry, noise: the rate the checks
 * tolerate); under H1 a liar is contradicted with probability at least `p1`. Every check adds its
 * log-likelihood ratio to a sum floored at 0 — a contradiction ln(p1 / p0), a claim that held
 * ln((1 − p1) / (1 − p0)) < 0 — and the test alarms when the sum reaches `h`. Unlike a fixed-sample
 * test it watches forever: a node that starts lying late is caught as fast as one that lies from the
 * start, and an honest node's rare contradictions are washed out by the checks it passes.
 *
 * The error rates are the average run lengths (in checks) to an alarm: long under p0 (false alarms are
 * rare), short under p1 (detection is quick). `averageRunLength` computes them.
 */
export interface CusumSpec {
  /** Contradiction probability of an honest node (0 < p0 < p1). */
  readonly p0: number;
  /** Contradiction probability of a liar (p0 < p1 < 1). */
  readonly p1: number;
  /** Alarm threshold on the log-likelihood sum (> 0). */
  readonly h: number;
}

/** The two steps of the statistic: `up` for a contradiction (> 0), `down` for a held claim (< 0). */
export function cusumSteps(spec: CusumSpec): { up: number; down: number } {
  const { p0, p1, h } = spec;
  if (!(p0 > 0 && p0 < p1 && p1 < 1 && h > 0)) {
    throw new RangeError(`CUSUM needs 0 < p0 < p1 < 1 and h > 0 (got p0 ${p0}, p1 ${p1}, h ${h})`);
  }
  return { up: Math.log(p1 / p0), down: Math.log((1 - p1) / (1 - p0)) };
}

/** One statistic per key; `step` returns true when that check makes the statistic reach `h`. */
export class Cusum {
  private readonly up: number;
  private readonly down: number;
  private readonly sums = new Map<string, number>();

  constructor(readonly spec: CusumSpec) {
    const s = cusumSteps(spec);
    this.up = s.up;
    this.down = s.down;
  }

  step(key: string, contradicted: boolean): boolean {
    const s = Math.max(0, (this.sums.get(key) ?? 0) + (contradicted ? this.up : this.down));
    this.sums.set(key, s);
    return s >= this.spec.h;
  }

  value(key: string): number {
    return this.sums.get(key) ?? 0;
  }

  reset(key: string): void {
    this.sums.delete(key);
  }
}

/**
 * Expected number of checks until the alarm when each check is a contradiction with probability `p`,
 * starting from 0. The statistic is kept on a grid of `cells` steps per unit of `-down` (the up step
 * rounded to the grid) and the expectations of that Markov chain, L(s) = 1 + p·L(s + up) +
 * (1 − p)·L(max(0, s + down)) with L = 0 at or above h, are solved exactly. Infinity when p is 0.
 */
export function averageRunLength(spec: CusumSpec, p: number, cells = 20): number {
  if (!(p > 0)) return Number.POSITIVE_INFINITY;
  const { up, down } = cusumSteps(spec);
  const unit = -down / cells;
  const upCells = Math.max(1, Math.round(up / unit));
  const n = Math.ceil(spec.h / unit);
  const a = Array.from({ length: n }, () => new Float64Array(n + 1));
  for (let s = 0; s < n; s++) {
    const row = a[s]!;
    row[s] = 1;
    if (s + upCells < n) row[s + upCells]! -= p;
    row[Math.max(0, s - cells)]! -= 1 - p;
    row[n] = 1;
  }
  return solve(a)[0]!;
}

/** Gaussian elimination with partial pivoting on an augmented n × (n + 1) matrix. */
function solve(a: Float64Array[]): Float64Array {
  const n = a.length;
  for (let c = 0; c < n; c++) {
    let best = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[best]![c]!)) best = r;
    [a[c], a[best]] = [a[best]!, a[c]!];
    const pivot = a[c]!;
    for (let r = c + 1; r < n; r++) {
      const row = a[r]!;
      const f = row[c]! / pivot[c]!;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) row[k]! -= f * pivot[k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    const row = a[r]!;
    let v = row[n]!;
    for (let k = r + 1; k < n; k++) v -= row[k]! * x[k]!;
    x[r] = v / row[r]!;
  }
  return x;
}
