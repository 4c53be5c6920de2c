/** Plain-text tables aligned for a terminal: text columns left-aligned, numeric columns right-aligned. */

export type Cell = string | number;

export interface Column {
  header: string;
  /** Default: right for numbers, left for text (decided from the first row). */
  align?: 'left' | 'right';
}

/** Renders rows under headers, two spaces between columns, no trailing spaces. Empty rows → headers only. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((r) => columns.map((_, i) => String(r[i] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...text.map((r) => r[i]!.length)));
  const align = columns.map((c, i) => c.align ?? (typeof rows[0]?.[i] === 'number' ? 'right' : 'left'));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...text.map(line)].join('\n');
}

/** 0.1234 → "12.3%". */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
