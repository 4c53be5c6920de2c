import { describe, expect, it } from 'vitest';
import { Counter, Gauge, Histogram, MetricsRegistry, PairCounter } from './metrics.js';

describe('Prometheus text', () => {
  it('renders counters with escaped labels, gauges and cumulative histogram buckets', () => {
    const r = new MetricsRegistry();
    const c = r.add(new Counter('x_total', 'Things.'));
    c.inc({ node: 'a"b' });
    c.inc({ node: 'a"b' }, 2);
    r.add(new Gauge('y', 'Level.', () => [[{ m: 'k' }, 1.5]]));
    const h = r.add(new Histogram('z_seconds', 'Time.', [0.001, 0.01]));
    h.observe(0.0005);
    h.observe(0.005);
    h.observe(1);
    expect(r.render()).toBe(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total{node="a\\"b"} 3',
        '# HELP y Level.',
        '# TYPE y gauge',
        'y{m="k"} 1.5',
        '# HELP z_seconds Time.',
        '# TYPE z_seconds histogram',
        'z_seconds_bucket{le="0.001"} 1',
        'z_seconds_bucket{le="0.01"} 2',
        'z_seconds_bucket{le="+Inf"} 3',
        'z_seconds_sum 1.0055',
        'z_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it('a pair counter counts 3 increments of (a, 200) and 1 of (b, 502) into the samples inc() with labels makes', () => {
    const pair = new PairCounter('r_total', 'Requests.', 'node', 'status');
    const plain = new Counter('r_total', 'Requests.');
    pair.incPair('a', 200);
    pair.incPair('b', 502);
    pair.incPair('a', 200, 2);
    plain.inc({ node: 'a', status: '200' }, 3);
    plain.inc({ node: 'b', status: '502' });
    expect(pair.render()).toEqual(plain.render());
    expect(pair.get({ node: 'a', status: '200' })).toBe(3);
    pair.inc({ node: 'b', status: '502' });
    expect(pair.get({ node: 'b', status: '502' })).toBe(2);
    pair.incPair('b', '502');
    expect(pair.get({ node: 'b', status: '502' })).toBe(3);
  });
});
