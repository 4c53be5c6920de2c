import { describe, expect, it } from 'vitest';
import { percent, renderTable } from './text-table.js';

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

  it('formats shares as percentages with one decimal', () => {
    expect(percent(0.1234)).toBe('12.3%');
    expect(percent(0)).toBe('0.0%');
  });
});
