/**
 * Byte-level scanning of trace CSV rows, for loading traces of millions of rows without a string, a split
 * or a regular expression per row. A row the fast path does not recognise (non-ASCII bytes, other
 * whitespace, long numbers, more than 15 fraction digits, impossible dates, anything malformed) is handed
 * back to the caller, which parses it from text with the reference rules, so results and errors are those
 * of the text parser.
 */

import { clockProblem, utcMs } from './utc-time.js';

const NL = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const COMMA = 44;
const ZERO = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const T = 84;
const Z = 90;

/** Powers of ten that are exact doubles, for fractions of up to 15 digits. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

function digit(b: Uint8Array, i: number): number {
  const d = b[i]! - ZERO;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Value of the `n` ASCII digits at `i`, or -1. */
function digits(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = digit(b, i + k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** True for a line of spaces, tabs and carriage returns only (a blank line, skipped). */
export function isBlank(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

/** Columns of the three trace fields in a row. */
export interface TraceColumns {
  timestamp: number;
  input: number;
  output: number;
}

/**
 * Reads one row's fields into `whole` (timestamp's whole seconds, ms since the epoch), `frac` (its
 * fraction of a second, ms), `input` and `output`. Returns false when the row needs the text parser.
 */
export class RowScanner {
  whole = 0;
  frac = 0;
  input = 0;
  output = 0;
  private minuteKey = -1;
  private minuteMs = 0;
  private readonly last: number;

  constructor(private readonly cols: TraceColumns) {
    this.last = Math.max(cols.timestamp, cols.input, cols.output);
  }

  scan(b: Uint8Array, start: number, end: number): boolean {
    const { timestamp, input, output } = this.cols;
    let col = 0;
    let p = start;
    for (;;) {
      let q = p;
      while (q < end && b[q] !== COMMA) q++;
      if (col === timestamp) {
        if (!this.timestamp(b, p, q)) return false;
      } else if (col === input) {
        this.input = count(b, p, q);
        if (this.input < 0) return false;
      } else if (col === output) {
        this.output = count(b, p, q);
        if (this.output < 0) return false;
      }
      if (col === this.last) return true;
      if (q >= end) return false; // a column is missing
      p = q + 1;
      col++;
    }
  }

  /** `YYYY-MM-DD HH:MM:SS[.fraction][Z]` (or `T` between date and time), spaces or tabs around. */
  private timestamp(b: Uint8Array, start: number, end: number): boolean {
    let i = start;
    let e = end;
    while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
    while (e > i && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
    if (e - i < 19) return false;
    const y = digits(b, i, 4);
    const mo = digits(b, i + 5, 2);
    const d = digits(b, i + 8, 2);
    const h = digits(b, i + 11, 2);
    const mi = digits(b, i + 14, 2);
    const s = digits(b, i + 17, 2);
    if ((y | mo | d | h | mi | s) < 0) return false;
    if (b[i + 4] !== DASH || b[i + 7] !== DASH || b[i + 13] !== COLON || b[i + 16] !== COLON) return false;
    if (b[i + 10] !== SPACE && b[i + 10] !== T) return false;
    i += 19;
    if (e > i && b[e - 1] === Z) e--;
    let frac = 0;
    if (i < e) {
      if (b[i] !== DOT) return false;
      const n = e - i - 1;
      if (n < 1 || n > 15) return false;
      const f = digits(b, i + 1, n);
      if (f < 0) return false;
      // f / 10^n is the correctly rounded value of 0.<digits>, as Number('0.<digits>') is.
      frac = (f / POW10[n]!) * 1000;
    }
    if (s > 59) return false;
    // Time is linear in the seconds, so one check and one conversion per minute serve every row in it.
    const key = (((y * 100 + mo) * 100 + d) * 100 + h) * 100 + mi;
    if (key !== this.minuteKey) {
      if (clockProblem(y, mo, d, h, mi, 0) !== undefined) return false;
      this.minuteKey = key;
      this.minuteMs = utcMs(y, mo, d, h, mi, 0);
    }
    this.whole = this.minuteMs + s * 1000;
    this.frac = frac;
    return true;
  }
}

/** A whole number of 1 to 9 ASCII digits with spaces or tabs around, or -1. */
function count(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let e = end;
  while (i < e && (b[i] === SPACE || b[i] === TAB)) i++;
  while (e > i && (b[e - 1] === SPACE || b[e - 1] === TAB)) e--;
  if (e === i || e - i > 9) return -1;
  return digits(b, i, e - i);
}

/** Index of the next newline at or after `from` before `end`, or -1. */
export function nextNewline(b: Uint8Array, from: number, end: number): number {
  const i = b.indexOf(NL, from);
  return i < 0 || i >= end ? -1 : i;
}

/** End of the line content before the newline at `nl`: a carriage return right before it is dropped. */
export function contentEnd(b: Uint8Array, start: number, nl: number): number {
  return nl > start && b[nl - 1] === CR ? nl - 1 : nl;
}
