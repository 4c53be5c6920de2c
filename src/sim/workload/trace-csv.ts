import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';

/** A request trace shaped like the Azure LLM inference traces: `TIMESTAMP,ContextTokens,GeneratedTokens`. */
export interface Trace {
  /** Offsets from the first timestamp, ms, ascending. */
  offsetsMs: Float64Array;
  input: Int32Array;
  output: Int32Array;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;

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
 * Parses a trace CSV. Rows may be out of order (they are sorted); offsets are scaled by `timeScale`
 * (2 = twice as slow). Bad rows → InputError naming the file, row (1-based line) and column.
 */
export function parseTraceCsv(text: string, source: string, timeScale = 1): Trace {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const cols = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'].map((name) => header.indexOf(name));
  if (cols.some((c) => c < 0)) {
    throw new InputError(source, [
      {
        path: 'header',
        line: 1,
        message: 'expected columns TIMESTAMP,ContextTokens,GeneratedTokens',
        value: lines[0] ?? '',
      },
    ]);
  }
  const [ct, ci, co] = cols as [number, number, number];
  const rows: Array<[number, number, number, number]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const t = timestampParts(cells[ct] ?? '');
    if (t === undefined) {
      throw new InputError(source, [
        {
          path: `row ${i + 1}, column TIMESTAMP`,
          line: i + 1,
          message: 'expected YYYY-MM-DD HH:MM:SS[.fff]',
          value: cells[ct] ?? '',
        },
      ]);
    }
    const counts = [ci, co].map((c, k) => {
      const cell = (cells[c] ?? '').trim();
      const n = Number(cell);
      if (cell === '' || !Number.isInteger(n) || n < 0) {
        const name = k === 0 ? 'ContextTokens' : 'GeneratedTokens';
        throw new InputError(source, [
          {
            path: `row ${i + 1}, column ${name}`,
            line: i + 1,
            message: 'expected a whole number ≥ 0',
            value: cell,
          },
        ]);
      }
      return n;
    });
    rows.push([t[0], t[1], counts[0]!, counts[1]!]);
  }
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Whole seconds and fractions are subtracted apart so offsets keep sub-microsecond precision.
  const w0 = rows[0]?.[0] ?? 0;
  const f0 = rows[0]?.[1] ?? 0;
  return {
    offsetsMs: Float64Array.from(rows, (r) => (r[0] - w0 + (r[1] - f0)) * timeScale),
    input: Int32Array.from(rows, (r) => r[2]),
    output: Int32Array.from(rows, (r) => r[3]),
  };
}

export function loadTraceCsv(path: string, timeScale = 1): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(
      path,
      [{ path: '', message: `cannot read trace file (${(e as NodeJS.ErrnoException).code ?? 'error'})` }],
      { cause: e },
    );
  }
  return parseTraceCsv(text, path, timeScale);
}
