import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError, type InputIssue } from '../../errors.js';
import { contentEnd, isBlank, nextNewline, RowScanner, type TraceColumns } from './trace-scan.js';
import { clockProblem, utcMs } from './utc-time.js';

/** A request trace shaped like the Azure LLM inference traces: `TIMESTAMP,ContextTokens,GeneratedTokens`. */
export interface Trace {
  /** Offsets from the first timestamp, ms, ascending. */
  offsetsMs: Float64Array;
  input: Int32Array;
  output: Int32Array;
}

/**
 * Most tokens a ContextTokens or GeneratedTokens cell may hold: counts are stored as 32-bit signed
 * integers (Int32Array), so 2³¹ − 1 = 2,147,483,647; anything larger is refused rather than wrapped.
 */
export const MAX_TRACE_TOKENS = 2_147_483_647;

/** Collects non-fatal findings (rows out of time order) while a trace is read. */
export interface TraceCsvOptions {
  /** Each warning is appended here, located like an InputError's issues. */
  warnings?: InputIssue[];
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;
const COLUMNS = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'] as const;

/**
 * `[whole seconds since the epoch in ms, fraction of a second in ms]` of a timestamp, or what is wrong
 * with it.
 */
function timestampParts(text: string): [number, number] | string {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return 'expected YYYY-MM-DD HH:MM:SS[.fff]';
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const problem = clockProblem(y, mo, d, h, mi, s);
  if (problem !== undefined) return `no such date and time: ${problem}`;
  const frac = m[7];
  return [utcMs(y, mo, d, h, mi, s), frac ? Number(`0.${frac}`) * 1000 : 0];
}

/** Milliseconds since the epoch (UTC) of `YYYY-MM-DD HH:MM:SS[.fraction]`, or NaN (also for no such date). */
export function parseTimestampMs(text: string): number {
  const p = timestampParts(text);
  return typeof p === 'string' ? Number.NaN : p[0] + p[1];
}

/** What is wrong with a token count cell (trimmed), or undefined when it is a count 0 … MAX_TRACE_TOKENS. */
function countProblem(cell: string): string | undefined {
  const n = Number(cell);
  if (cell === '' || !Number.isInteger(n) || n < 0) return 'expected a whole number ≥ 0';
  if (n > MAX_TRACE_TOKENS)
    return `more than ${MAX_TRACE_TOKENS} tokens, the most a count may hold (a 32-bit integer)`;
  return undefined;
}

/**
 * Collects the rows of one trace CSV fed as bytes, line by line: the header first, then each row through
 * the byte scanner, or through the text rules when the scanner does not recognise it (so the results and
 * the errors are the text rules'). Rows may be out of order; `finish` sorts them and `warnings` says so.
 */
class TraceCsvReader {
  private line = 0;
  private cols: TraceColumns | undefined;
  private scanner: RowScanner | undefined;
  private n = 0;
  private sorted = true;
  /** Line of the last row read, and of the first row earlier than the row before it. */
  private prevLine = 0;
  private firstBack: { line: number; after: number; value: string } | undefined;
  /** Rows earlier than the row before them. */
  private backSteps = 0;
  private whole: Float64Array;
  private frac: Float64Array;
  private input: Int32Array;
  private output: Int32Array;

  constructor(
    private readonly source: string,
    capacity: number,
  ) {
    this.whole = new Float64Array(capacity);
    this.frac = new Float64Array(capacity);
    this.input = new Int32Array(capacity);
    this.output = new Int32Array(capacity);
  }

  /**
   * Reads the complete lines of `b[start, end)`, or all of it when `final`; returns where the unread rest
   * (a line without its newline yet) starts.
   */
  feed(b: Buffer, start: number, end: number, final: boolean): number {
    let p = start;
    while (p < end) {
      let nl = nextNewline(b, p, end);
      if (nl < 0) {
        if (!final) return p;
        nl = end;
      }
      this.readLine(b, p, nl < end ? contentEnd(b, p, nl) : end);
      p = nl + 1;
    }
    if (final && this.cols === undefined) this.header('');
    return Math.min(p, end);
  }

  private readLine(b: Buffer, start: number, end: number): void {
    this.line++;
    if (this.scanner === undefined) this.header(b.toString('utf8', start, end));
    else if (isBlank(b, start, end)) return;
    else if (this.scanner.scan(b, start, end)) {
      const s = this.scanner;
      if (this.push(s.whole, s.frac, s.input, s.output)) this.noteBack(b.toString('utf8', start, end));
    } else this.textRow(b.toString('utf8', start, end));
  }

  /** Keeps the timestamp text of the first row that goes back in time, for the warning. */
  private noteBack(line: string): void {
    this.firstBack!.value = (line.split(',')[this.cols!.timestamp] ?? '').trim();
  }

  private header(text: string): void {
    const header = text.split(',').map((h) => h.trim());
    const [timestamp, input, output] = COLUMNS.map((name) => header.indexOf(name)) as [
      number,
      number,
      number,
    ];
    if (timestamp < 0 || input < 0 || output < 0) {
      throw new InputError(this.source, [
        {
          path: 'header',
          line: 1,
          message: 'expected columns TIMESTAMP,ContextTokens,GeneratedTokens',
          value: text,
        },
      ]);
    }
    this.cols = { timestamp, input, output };
    this.scanner = new RowScanner(this.cols);
  }

  /** One row by the text rules: skipped when blank, else its fields, else an error naming the cell. */
  private textRow(line: string): void {
    if (line.trim() === '') return;
    const cols = this.cols!;
    const row = this.line;
    const cells = line.split(',');
    const t = timestampParts(cells[cols.timestamp] ?? '');
    if (typeof t === 'string') {
      throw new InputError(this.source, [
        { path: `row ${row}, column TIMESTAMP`, line: row, message: t, value: cells[cols.timestamp] ?? '' },
      ]);
    }
    const counts = [cols.input, cols.output].map((c, k) => {
      const cell = (cells[c] ?? '').trim();
      const problem = countProblem(cell);
      if (problem !== undefined) {
        throw new InputError(this.source, [
          { path: `row ${row}, column ${COLUMNS[k + 1]}`, line: row, message: problem, value: cell },
        ]);
      }
      return Number(cell);
    });
    if (this.push(t[0], t[1], counts[0]!, counts[1]!)) this.noteBack(line);
  }

  /** Stores a row; true when it is the first row earlier than the row before it. */
  private push(whole: number, frac: number, input: number, output: number): boolean {
    const i = this.n;
    if (i === this.whole.length) this.grow();
    let first = false;
    if (i > 0) {
      const w = this.whole[i - 1]!;
      if (whole < w || (whole === w && frac < this.frac[i - 1]!)) {
        this.sorted = false;
        this.backSteps++;
        if (this.firstBack === undefined) {
          this.firstBack = { line: this.line, after: this.prevLine, value: '' };
          first = true;
        }
      }
    }
    this.whole[i] = whole;
    this.frac[i] = frac;
    this.input[i] = input;
    this.output[i] = output;
    this.n = i + 1;
    this.prevLine = this.line;
    return first;
  }

  /** A warning naming the first row that goes back in time, when any does (the rows are sorted). */
  warnings(): InputIssue[] {
    const b = this.firstBack;
    if (b === undefined) return [];
    return [
      {
        path: `row ${b.line}, column TIMESTAMP`,
        line: b.line,
        message: `goes back in time, earlier than row ${b.after}; the ${this.n} rows were sorted by time (${this.backSteps} of them earlier than the row before)`,
        value: b.value,
      },
    ];
  }

  private grow(): void {
    const size = Math.max(16, this.whole.length * 2);
    const bigger = <A extends Float64Array | Int32Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.whole = bigger(this.whole, (n) => new Float64Array(n));
    this.frac = bigger(this.frac, (n) => new Float64Array(n));
    this.input = bigger(this.input, (n) => new Int32Array(n));
    this.output = bigger(this.output, (n) => new Int32Array(n));
  }

  /** The rows in time order (ties in file order), offsets from the first scaled by `timeScale`. */
  finish(timeScale: number): Trace {
    const { n, whole, frac } = this;
    let order: Uint32Array | undefined;
    if (!this.sorted) {
      order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      order.sort((a, b) => whole[a]! - whole[b]! || frac[a]! - frac[b]! || a - b);
    }
    const offsetsMs = new Float64Array(n);
    const input = new Int32Array(n);
    const output = new Int32Array(n);
    // Whole seconds and fractions are subtracted apart so offsets keep sub-microsecond precision.
    const first = n === 0 ? 0 : (order?.[0] ?? 0);
    const w0 = n === 0 ? 0 : whole[first]!;
    const f0 = n === 0 ? 0 : frac[first]!;
    for (let i = 0; i < n; i++) {
      const k = order === undefined ? i : order[i]!;
      offsetsMs[i] = (whole[k]! - w0 + (frac[k]! - f0)) * timeScale;
      input[i] = this.input[k]!;
      output[i] = this.output[k]!;
    }
    return { offsetsMs, input, output };
  }
}

/**
 * Parses a trace CSV. Rows may be out of order: they are sorted, and a warning naming the first row that
 * goes back in time is added to `options.warnings`. Offsets are scaled by `timeScale` (2 = twice as slow).
 * Bad rows (no such date, a count that is not a whole number from 0 to MAX_TRACE_TOKENS) → InputError
 * naming the file, row (1-based line), column and value.
 */
export function parseTraceCsv(
  text: string,
  source: string,
  timeScale = 1,
  options: TraceCsvOptions = {},
): Trace {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new TraceCsvReader(source, Math.max(16, bytes.length >> 5));
  reader.feed(bytes, 0, bytes.length, true);
  options.warnings?.push(...reader.warnings());
  return reader.finish(timeScale);
}

function unreadable(path: string, e: unknown): InputError {
  return new InputError(
    path,
    [{ path: '', message: `cannot read trace file (${(e as NodeJS.ErrnoException).code ?? 'error'})` }],
    { cause: e },
  );
}

/**
 * Loads a trace CSV file as `parseTraceCsv` parses its text (same rows, errors and warnings), reading it
 * in chunks of `chunkBytes` (grown while a single line is longer) so a large trace is never held as one
 * string.
 */
export function loadTraceCsv(
  path: string,
  timeScale = 1,
  options: TraceCsvOptions & { chunkBytes?: number } = {},
): Trace {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    let buf = Buffer.allocUnsafe(Math.max(1, options.chunkBytes ?? 1 << 20));
    const reader = new TraceCsvReader(path, Math.max(16, Math.ceil(fstatSync(fd).size / 32)));
    let filled = 0;
    for (;;) {
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      let read: number;
      try {
        read = readSync(fd, buf, filled, buf.length - filled, null);
      } catch (e) {
        throw unreadable(path, e);
      }
      filled += read;
      if (read === 0) {
        reader.feed(buf, 0, filled, true);
        options.warnings?.push(...reader.warnings());
        return reader.finish(timeScale);
      }
      const rest = reader.feed(buf, 0, filled, false);
      buf.copyWithin(0, rest, filled);
      filled -= rest;
    }
  } finally {
    closeSync(fd);
  }
}
