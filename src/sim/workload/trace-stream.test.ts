import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { Rng } from '../../util/rng.js';
import { loadTraceCsv, parseTraceCsv, type Trace } from './trace-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'meridian-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(text: string): string {
  const path = join(dir, `t${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** The parser as it was before loading streamed: the whole text, one split and one regex per row. */
function referenceParse(text: string, source: string, timeScale = 1): Trace {
  const re = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z?$/;
  const parts = (s: string): [number, number] | undefined => {
    const m = re.exec(s.trim());
    if (!m) return undefined;
    const [, y, mo, d, h, mi, sec, frac] = m;
    const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
    return [whole, frac ? Number(`0.${frac}`) * 1000 : 0];
  };
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const cols = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'].map((name) => header.indexOf(name));
  if (cols.some((c) => c < 0)) throw new Error(`${source}:1: header`);
  const [ct, ci, co] = cols as [number, number, number];
  const rows: Array<[number, number, number, number]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const t = parts(cells[ct] ?? '');
    if (t === undefined) throw new Error(`${source}:${i + 1}: row ${i + 1}, column TIMESTAMP`);
    const counts = [ci, co].map((c, k) => {
      const cell = (cells[c] ?? '').trim();
      const n = Number(cell);
      if (cell === '' || !Number.isInteger(n) || n < 0)
        throw new Error(
          `${source}:${i + 1}: row ${i + 1}, column ${k === 0 ? 'ContextTokens' : 'GeneratedTokens'}`,
        );
      return n;
    });
    rows.push([t[0], t[1], counts[0]!, counts[1]!]);
  }
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const w0 = rows[0]?.[0] ?? 0;
  const f0 = rows[0]?.[1] ?? 0;
  return {
    offsetsMs: Float64Array.from(rows, (r) => (r[0] - w0 + (r[1] - f0)) * timeScale),
    input: Int32Array.from(rows, (r) => r[2]),
    output: Int32Array.from(rows, (r) => r[3]),
  };
}

function plain(t: Trace) {
  return { offsetsMs: Array.from(t.offsetsMs), input: Array.from(t.input), output: Array.from(t.output) };
}

/** A timestamp cell in one of the spellings the format allows, around `ms` since the epoch. */
function cell(rng: Rng, ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  const digits = rng.int(17); // 0 = no fraction, up to 16 digits (past the fast path's 15)
  const frac = digits === 0 ? '' : `.${Array.from({ length: digits }, () => rng.int(10)).join('')}`;
  const sep = rng.chance(0.1) ? 'T' : ' ';
  const z = rng.chance(0.1) ? 'Z' : '';
  const pad = rng.chance(0.05) ? ' ' : '';
  return `${pad}${d.slice(0, 10)}${sep}${d.slice(11)}${frac}${z}${pad}`;
}

function count(rng: Rng): string {
  const n = rng.int(100_000);
  const r = rng.next();
  if (r < 0.02) return ` ${n}\t`;
  if (r < 0.03) return `00${n}`;
  if (r < 0.04) return '1e3';
  if (r < 0.05) return '2147483647'; // the largest count allowed, past the fast path's 9 digits
  return String(n);
}

/** A trace with shuffled rows, blank lines, mixed line endings, extra columns and odd spellings. */
function generatedTrace(rows: number, seed: number): string {
  const rng = new Rng(seed);
  const lines = ['\uFEFFGeneratedTokens , TIMESTAMP,Other,ContextTokens'];
  let t = Date.UTC(2023, 10, 16, 23, 59, 0);
  for (let i = 0; i < rows; i++) {
    t += rng.exponential(rng.chance(0.2) ? 2000 : 30);
    const at = rng.chance(0.1) ? t - rng.exponential(5000) : t; // out of order
    lines.push(`${count(rng)},${cell(rng, at)},x${i},${count(rng)}`);
    if (rng.chance(0.02)) lines.push(rng.chance(0.5) ? '' : ' \t');
  }
  return lines.map((l) => `${l}${rng.chance(0.3) ? '\r\n' : '\n'}`).join('');
}

describe('loadTraceCsv streaming', () => {
  const text = [
    'TIMESTAMP,ContextTokens,GeneratedTokens',
    '2023-11-16 18:15:50.9951690,396,109',
    '2023-11-16 18:15:46.6805900,374,44',
    '2023-11-16 18:16:46.6805900,10,0',
  ].join('\r\n');

  it('gives the same 3 rows for every chunk size from 1 to 120 bytes, CRLF, rows split across chunks', () => {
    const whole = plain(parseTraceCsv(text, 'trace.csv'));
    expect(whole.input).toEqual([374, 396, 10]);
    const path = file(text);
    for (let chunkBytes = 1; chunkBytes <= 120; chunkBytes++)
      expect(plain(loadTraceCsv(path, 1, { chunkBytes }))).toEqual(whole);
  });

  it('keeps a CR split from its LF by a chunk boundary out of the row (chunk ends right after "109\\r")', () => {
    const at = text.indexOf('109\r') + 4;
    const t = loadTraceCsv(file(text), 1, { chunkBytes: at });
    expect(Array.from(t.output)).toEqual([44, 109, 0]);
  });

  it('reads a header-only file (with and without its newline) as 0 rows', () => {
    for (const body of [
      'TIMESTAMP,ContextTokens,GeneratedTokens',
      'TIMESTAMP,ContextTokens,GeneratedTokens\r\n\n',
    ]) {
      const t = loadTraceCsv(file(body), 1, { chunkBytes: 4 });
      expect([t.offsetsMs.length, t.input.length, t.output.length]).toEqual([0, 0, 0]);
    }
  });

  it('refuses an empty file at line 1 for its missing header', () => {
    expect(() => loadTraceCsv(file(''))).toThrow(InputError);
    expect(() => loadTraceCsv(file(''))).toThrow(
      /:1: header: expected columns TIMESTAMP,ContextTokens,GeneratedTokens/,
    );
  });

  it('names the file, line 5 and column of a bad cell read in 32-byte chunks', () => {
    const bad = `${text}\r\n2023-11-16 18:17:00,12,-3\r\n`;
    const path = file(bad);
    expect(() => loadTraceCsv(path, 1, { chunkBytes: 32 })).toThrow(
      `${path}:5: row 5, column GeneratedTokens: expected a whole number ≥ 0 (got "-3")`,
    );
    const badTime = `${text}\n2023-11-16 18:17,12,3\n`;
    expect(() => loadTraceCsv(file(badTime))).toThrow(
      'row 5, column TIMESTAMP: expected YYYY-MM-DD HH:MM:SS[.fff] (got "2023-11-16 18:17")',
    );
  });

  it('names an unreadable file with its error code', () => {
    expect(() => loadTraceCsv(join(dir, 'absent.csv'))).toThrow('cannot read trace file (ENOENT)');
    expect(() => loadTraceCsv(dir)).toThrow('cannot read trace file (EISDIR)');
  });

  it('matches the text parser bit for bit on 20,000 generated rows (shuffled, CRLF, blank lines, 0-16 fraction digits, odd counts) at chunk sizes 64 B and 1 MiB, time scale 0.5', () => {
    const body = generatedTrace(20_000, 5);
    const expected = plain(referenceParse(body, 'gen.csv', 0.5));
    expect(expected.offsetsMs.length).toBe(20_000);
    const sortedByFile = expected.offsetsMs.every((x, i, a) => i === 0 || x >= a[i - 1]!);
    expect(sortedByFile).toBe(true);
    const path = file(body);
    expect(plain(parseTraceCsv(body, 'gen.csv', 0.5))).toEqual(expected);
    expect(plain(loadTraceCsv(path, 0.5, { chunkBytes: 64 }))).toEqual(expected);
    expect(plain(loadTraceCsv(path, 0.5))).toEqual(expected);
  });

  it('fails on the same line and column as the text parser for each of 6 kinds of bad row', () => {
    const good = generatedTrace(50, 9);
    for (const row of [
      '2023-11-16 18:15:46,1,2',
      '2023-11-16 18:15:46.,1,2',
      '2023-11-16 18:15:46.5ZZ,1,x,2',
      '2023-13-16 18:15:46,1.5,x,2',
      '1,2023-11-16 18:15:46.5,x',
      '1,2023-11-16 18:15:46.5,x,−2',
    ]) {
      const body = `${good}${row}\n`;
      let expected = '';
      try {
        referenceParse(body, 'bad.csv');
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).not.toBe('');
      expect(() => loadTraceCsv(file(body), 1, { chunkBytes: 16 })).toThrow(expected.replace('bad.csv', ''));
    }
  });
});
