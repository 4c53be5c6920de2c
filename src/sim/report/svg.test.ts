import { describe, expect, it } from 'vitest';
import { esc, linearTicks, lineChart, logTicks } from './svg.js';

describe('chart helpers', () => {
  it('picks round linear ticks and powers of ten', () => {
    expect(linearTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(linearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(5, 5)).toEqual([5]);
    expect(logTicks(3, 2000)).toEqual([1, 10, 100, 1000, 10000]);
  });

  it('escapes markup in labels', () => {
    expect(esc('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
  });

  it('draws one path per series and says so when there is no data', () => {
    const svg = lineChart({
      title: 't',
      series: [
        {
          name: 'x',
          color: '#000',
          points: [
            [1, 0],
            [10, 1],
          ],
        },
        {
          name: 'y',
          color: '#111',
          points: [
            [2, 0],
            [20, 1],
          ],
        },
      ],
      xLabel: 'ms',
      yLabel: 'share',
      xLog: true,
    });
    expect(svg.match(/<path /g)?.length).toBe(2);
    expect(lineChart({ title: 't', series: [], xLabel: '', yLabel: '' })).toContain('no data');
  });
});
