/**
 * Plain-text tables aligned for a terminal — the one table renderer of every command (`scenario show`,
 * `route`, `score-node`, `place`, `analyze`, `simulate`, `rtt-evaluate`, the fleet's live summary).
 * Columns are separated by two spaces; lines carry no trailing spaces.
 */

export type Cell = string | number;

export interface Column {
  header: string;
  /** Default: right for numbers, left for text (decided from the first row). */
  align?: 'left' | 'right';
}

/** Columns from bare headers: right-aligned at the positions in `right`, left-aligned elsewhere. */
export function columnsOf(headers: readonly string[], right: readonly number[] = []): Column[] {
  return headers.map((header, i) => ({ header, align: right.includes(i) ? 'right' : 'left' }));
}

/** The header line and one line per row; an empty `rows` gives the header line alone. */
export function tableLines(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string[] {
  const text = rows.map((r) => columns.map((_, i) => String(r[i] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...text.map((r) => r[i]!.length)));
  const align = columns.map((c, i) => c.align ?? (typeof rows[0]?.[i] === 'number' ? 'right' : 'left'));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...text.map(line)];
}

/** `tableLines` joined by newlines. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
  return tableLines(columns, rows).join('\n');
}

/** 0.1234 → "12.3%"; "n/a" for a share that is not a finite number. */
export function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'n/a';
}
