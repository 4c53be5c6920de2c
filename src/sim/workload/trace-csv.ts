import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { contentEnd, isBlank, nextNewline, RowScanner, type TraceColumns } from './trace-scan.js';

/** A request trace shaped like the Azure LLM inference traces: `TIMESTAMP,ContextTokens,GeneratedTokens`. */
export interface Trace {
  /** Offsets from the first timestamp, ms, ascending. */
  offsetsMs: Float64Array;
  input: Int32Array;
  output: Int32Array;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;
const COLUMNS = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'] as const;

/** `[whole seconds since the epoch in ms, fraction of a second in ms]` of a timestamp, or undefined. */
function timestampParts(text: string): [number, number] | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac] = m;
  const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return [whole, frac ? Number(`0.${frac}`) * 1000 : 0];
}

/** Milliseconds since the epoch (UTC) of `YYYY-MM-DD HH:MM:SS[.fraction]`, or NaN. */
export function parseTimestampMs(text: string): number {
  const p = timestampParts(text);
  return p ? p[0] + p[1] : Number.NaN;
}

/**
 * Collects the rows of one trace CSV fed as bytes, line by line: the header first, then each row through
 * the byte scanner, or through the text rules when the scanner does not recognise it (so the results and
 * the errors are the text rules'). Rows may be out of order; `finish` sorts them.
 */
class TraceCsvReader {
  private line = 0;
  private cols: TraceColumns | undefined;
  private scanner: RowScanner | undefined;
  private n = 0;
  private sorted = true;
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
      this.push(s.whole, s.frac, s.input, s.output);
    } else this.textRow(b.toString('utf8', start, end));
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
    if (t === undefined) {
      throw new InputError(this.source, [
        {
          path: `row ${row}, column TIMESTAMP`,
          line: row,
          message: 'expected YYYY-MM-DD HH:MM:SS[.fff]',
          value: cells[cols.timestamp] ?? '',
        },
      ]);
    }
    const counts = [cols.input, cols.output].map((c, k) => {
      const cell = (cells[c] ?? '').trim();
      const n = Number(cell);
      if (cell === '' || !Number.isInteger(n) || n < 0) {
        throw new InputError(this.source, [
          {
            path: `row ${row}, column ${COLUMNS[k + 1]}`,
            line: row,
            message: 'expected a whole number ≥ 0',
            value: cell,
          },
        ]);
      }
      return n;
    });
    this.push(t[0], t[1], counts[0]!, counts[1]!);
  }

  private push(whole: number, frac: number, input: number, output: number): void {
    const i = this.n;
    if (i === this.whole.length) this.grow();
    if (i > 0) {
      const w = this.whole[i - 1]!;
      if (whole < w || (whole === w && frac < this.frac[i - 1]!)) this.sorted = false;
    }
    this.whole[i] = whole;
    this.frac[i] = frac;
    this.input[i] = input;
    this.output[i] = output;
    this.n = i + 1;
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
 * Parses a trace CSV. Rows may be out of order (they are sorted); offsets are scaled by `timeScale`
 * (2 = twice as slow). Bad rows → InputError naming the file, row (1-based line) and column.
 */
export function parseTraceCsv(text: string, source: string, timeScale = 1): Trace {
  const bytes = Buffer.from(text, 'utf8');
  const reader = new TraceCsvReader(source, Math.max(16, bytes.length >> 5));
  reader.feed(bytes, 0, bytes.length, true);
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
 * Loads a trace CSV file as `parseTraceCsv` parses its text, reading it in chunks of `chunkBytes`
 * (grown while a single line is longer) so a large trace is never held as one string.
 */
export function loadTraceCsv(path: string, timeScale = 1, options: { chunkBytes?: number } = {}): Trace {
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
