import { describe, expect, it } from 'vitest';
import { columnsOf, percent, renderTable, tableLines } from './text-table.js';

describe('renderTable', () => {
  it('left-aligns text and right-aligns numbers under their headers', () => {
    const out = renderTable(
      [{ header: 'provider' }, { header: 'nodes' }],
      [
        ['aws', 1234],
        ['residential', 7],
      ],
    );
    expect(out).toBe(['provider     nodes', 'aws           1234', 'residential      7'].join('\n'));
  });

  it('prints only the headers for no rows', () => {
    expect(renderTable([{ header: 'a' }, { header: 'b' }], [])).toBe('a  b');
  });

  it('leaves no trailing spaces after a short last cell, and prints a missing cell as empty', () => {
    const out = tableLines([{ header: 'id' }, { header: 'note' }], [['a', 'long note'], ['bb', ''], ['c']]);
    expect(out).toEqual(['id  note', 'a   long note', 'bb', 'c']);
  });
});

describe('columnsOf', () => {
  it('right-aligns columns 1 and 2 of three text columns: "12.3%" under "share" ends in column 12', () => {
    const lines = tableLines(columnsOf(['value', 'share', 'cum'], [1, 2]), [
      ['aws', '12.3%', '12.3%'],
      ['gcp', '1.0%', '13.3%'],
    ]);
    expect(lines).toEqual(['value  share    cum', 'aws    12.3%  12.3%', 'gcp     1.0%  13.3%']);
  });

  it('left-aligns every column when no position is given, even for numbers', () => {
    expect(tableLines(columnsOf(['n', 'm']), [[7, 123456]])).toEqual(['n  m', '7  123456']);
  });
});

describe('percent', () => {
  it('formats shares as percentages with one decimal', () => {
    expect(percent(0.1234)).toBe('12.3%');
    expect(percent(0)).toBe('0.0%');
    expect(percent(1)).toBe('100.0%');
  });

  it('prints n/a for a share that is not a number (0/0) or infinite', () => {
    expect(percent(Number.NaN)).toBe('n/a');
    expect(percent(Number.POSITIVE_INFINITY)).toBe('n/a');
  });
});
