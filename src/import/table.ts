import { InputError, type InputIssue } from '../errors.js';
import { parseCsv } from '../geo/csv.js';

/** One data row: its 1-based number among data rows, the file line it starts on, and its cells by column. */
export interface TableRow {
  row: number;
  line?: number;
  cells: string[];
}

/** Rows of a CSV file or a JSON array, with cells as text aligned to `columns`. */
export interface Table {
  source: string;
  /** Line of the header row (CSV only). */
  headerLine?: number;
  columns: string[];
  rows: TableRow[];
}

/** At most this many problems are listed in one error. */
export const MAX_ISSUES = 20;

/**
 * The first MAX_ISSUES of `issues`, and when `total` problems were found in all, one more line saying how
 * many are not listed (a file with 5,000 bad rows should not read like one with 20).
 */
export function listedIssues(issues: readonly InputIssue[], total: number): InputIssue[] {
  const listed = issues.slice(0, MAX_ISSUES);
  if (total > listed.length)
    listed.push({ path: '', message: `and ${total - listed.length} more problems like these, not listed` });
  return listed;
}

/** `row 12, column "stake"`: how import errors locate a cell. */
export function cellPath(row: number, column?: string): string {
  return column === undefined ? `row ${row}` : `row ${row}, column ${JSON.stringify(column)}`;
}

function emptyFile(source: string): InputError {
  return new InputError(source, [
    {
      path: cellPath(1),
      line: 1,
      message: 'empty file: expected a header row naming the columns, then data rows',
    },
  ]);
}

/**
 * Parses CSV text: the first record names the columns (unique, non-empty), every other record is a data
 * row with as many fields. A byte-order mark is ignored. Errors name the file, line, row and column.
 */
export function csvTable(text: string, source: string): Table {
  const parsed = parseCsv(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if ('error' in parsed)
    throw new InputError(source, [{ path: 'quoted field', line: parsed.line, message: parsed.error }]);
  const [header, ...records] = parsed.records;
  if (header === undefined) throw emptyFile(source);
  const columns = header.fields.map((f) => f.trim());
  const issues: InputIssue[] = [];
  const seen = new Set<string>();
  columns.forEach((c, k) => {
    if (c === '')
      issues.push({ path: cellPath(1), line: header.line, message: `column ${k + 1} has no name` });
    else if (seen.has(c))
      issues.push({ path: cellPath(1, c), line: header.line, message: 'column named twice' });
    seen.add(c);
  });
  if (records.length === 0) {
    issues.push({ path: cellPath(2), line: header.line + 1, message: 'no data rows after the header' });
  }
  const rows: TableRow[] = [];
  records.forEach((r, k) => {
    if (r.fields.length !== columns.length && issues.length < MAX_ISSUES) {
      issues.push({
        path: cellPath(k + 1),
        line: r.line,
        message: `expected ${columns.length} fields like the header, got ${r.fields.length}`,
      });
    }
    rows.push({ row: k + 1, line: r.line, cells: r.fields });
  });
  if (issues.length > 0) throw new InputError(source, issues.slice(0, MAX_ISSUES));
  return { source, headerLine: header.line, columns, rows };
}

/**
 * Parses a JSON array of flat objects; columns are the keys in order of first appearance. Numbers and
 * booleans become text (`true`), null and missing keys an empty cell.
 */
export function jsonTable(text: string, source: string): Table {
  if (text.trim() === '') throw emptyFile(source);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(source, [{ path: '', message: `not valid JSON: ${(e as Error).message}` }], {
      cause: e,
    });
  }
  if (!Array.isArray(data)) {
    throw new InputError(source, [{ path: '', message: 'expected a JSON array of objects (one per node)' }]);
  }
  if (data.length === 0)
    throw new InputError(source, [{ path: cellPath(1), message: 'empty array: no data rows' }]);
  const index = new Map<string, number>();
  const issues: InputIssue[] = [];
  const objects = data.map((item, k) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      issues.push({ path: cellPath(k + 1), message: 'expected an object', value: item });
      return {};
    }
    for (const key of Object.keys(item)) if (!index.has(key)) index.set(key, index.size);
    return item as Record<string, unknown>;
  });
  const columns = [...index.keys()];
  const rows = objects.map((obj, k): TableRow => {
    const cells = columns.map((c) => {
      const v = obj[c];
      if (v === null || v === undefined) return '';
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (issues.length < MAX_ISSUES) {
        issues.push({ path: cellPath(k + 1, c), message: 'expected a string, number or boolean', value: v });
      }
      return '';
    });
    return { row: k + 1, cells };
  });
  if (issues.length > 0) throw new InputError(source, issues.slice(0, MAX_ISSUES));
  return { source, columns, rows };
}
