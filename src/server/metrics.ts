/**
 * A minimal Prometheus registry: counters and histograms with labels, gauges read when scraped, rendered
 * in the text exposition format (version 0.0.4).
 */

type LabelSet = Record<string, string>;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: LabelSet): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  /** Keyed by the label names and values joined (cheap on the request path); the text is made once. */
  private readonly values = new Map<string, { text: string; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: LabelSet = {}, by = 1): void {
    this.entry(labels).value += by;
  }

  /** The sample for `labels`, made at 0 the first time. */
  protected entry(labels: LabelSet): { value: number } {
    const key = rawKey(labels);
    let entry = this.values.get(key);
    if (entry === undefined) this.values.set(key, (entry = { text: labelText(labels), value: 0 }));
    return entry;
  }

  get(labels: LabelSet = {}): number {
    return this.values.get(rawKey(labels))?.value ?? 0;
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const { text, value } of this.values.values()) out.push(`${this.name}${text} ${num(value)}`);
    return out;
  }
}

/**
 * A counter with two labels, counted through `incPair(a, b)`: the sample is found in two nested maps by
 * the values themselves, so an increment on the request path makes no label object and no key text.
 * The same samples as `inc({ [first]: a, [second]: String(b) })`.
 */
export class PairCounter extends Counter {
  private readonly byPair = new Map<string, Map<string | number, { value: number }>>();

  constructor(
    name: string,
    help: string,
    private readonly first: string,
    private readonly second: string,
  ) {
    super(name, help);
  }

  incPair(a: string, b: string | number, by = 1): void {
    let inner = this.byPair.get(a);
    if (inner === undefined) this.byPair.set(a, (inner = new Map()));
    let entry = inner.get(b);
    if (entry === undefined) {
      entry = this.entry({ [this.first]: a, [this.second]: String(b) });
      inner.set(b, entry);
    }
    entry.value += by;
  }
}

function rawKey(labels: LabelSet): string {
  let key = '';
  for (const k in labels) key += `${k}\u0000${labels[k]}\u0001`;
  return key;
}

/** A gauge whose samples are computed at scrape time. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect: () => readonly (readonly [LabelSet, number])[],
  ) {}

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [labels, v] of this.collect()) out.push(`${this.name}${labelText(labels)} ${num(v)}`);
    return out;
  }
}

/** A histogram with fixed upper bounds (unlabelled). */
export interface HistogramSnapshot {
  readonly counts: readonly number[];
  readonly above: number;
  readonly sum: number;
  readonly count: number;
}

export class Histogram implements Metric {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) {
      if (v <= this.bounds[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }

  /** Observations per bucket so far (not cumulative; `above`: beyond the last bound), their sum and count. */
  snapshot(): HistogramSnapshot {
    const counts = [...this.counts];
    return {
      counts,
      above: this.count - counts.reduce((s, x) => s + x, 0),
      sum: this.sum,
      count: this.count,
    };
  }

  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    let cumulative = 0;
    this.bounds.forEach((b, i) => {
      cumulative += this.counts[i]!;
      out.push(`${this.name}_bucket{le="${num(b)}"} ${cumulative}`);
    });
    out.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    out.push(`${this.name}_sum ${num(this.sum)}`);
    out.push(`${this.name}_count ${this.count}`);
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }

  render(): string {
    return `${this.metrics.flatMap((m) => m.render()).join('\n')}\n`;
  }
}
