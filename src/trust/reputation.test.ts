import { describe, expect, it } from 'vitest';
import { Reputation } from './reputation.js';

const HOUR = 3_600_000;

describe('Reputation (beta, with forgetting)', () => {
  it('starts every node at 0.5, trusted, with no contradictions', () => {
    const r = new Reputation();
    expect(r.of('n', 0)).toMatchObject({ trust: 0.5, standing: 'trusted', agreements: 0 });
  });

  it('50 claims that held give (1 + 50) / (2 + 50) = 0.9808', () => {
    const r = new Reputation();
    for (let k = 0; k < 50; k++) r.record('n', 'warm', true, 0);
    expect(r.of('n', 0).trust).toBeCloseTo(51 / 52, 12);
  });

  it('quarantines a node whose warm claim fails 4 times in a row (upper 95% bound 0.443 < 0.5), not at 3 (0.527)', () => {
    const r = new Reputation();
    for (let k = 0; k < 3; k++) r.record('liar', 'warm', false, 0);
    expect(r.of('liar', 0).standing).toBe('demoted');
    r.record('liar', 'warm', false, 0);
    const t = r.of('liar', 0);
    expect(t.standing).toBe('quarantined');
    expect(t.contradictions.warm).toBe(4);
  });

  it('a node lying half the time (20 held, 20 contradicted) is demoted, not trusted', () => {
    const r = new Reputation();
    for (let k = 0; k < 20; k++) {
      r.record('n', 'queue', true, 0);
      r.record('n', 'queue', false, 0);
    }
    expect(r.of('n', 0).standing).toBe('demoted');
  });

  it('an honest node with one noisy contradiction among 100 checks stays trusted', () => {
    const r = new Reputation();
    for (let k = 0; k < 100; k++) r.record('n', 'speed', true, 0);
    r.record('n', 'speed', false, 0);
    expect(r.of('n', 0).standing).toBe('trusted');
  });

  it('releases a quarantined node after it behaves: 5 contradictions decay over 4 half-lives under 40 good checks', () => {
    const r = new Reputation({ halfLifeMs: HOUR });
    for (let k = 0; k < 5; k++) r.record('n', 'location', false, 0);
    expect(r.of('n', 0).standing).toBe('quarantined');
    for (let k = 1; k <= 40; k++) r.record('n', 'location', true, (k * 4 * HOUR) / 40);
    const t = r.of('n', 4 * HOUR);
    expect(t.contradictions.location).toBeCloseTo(5 / 16, 9);
    expect(t.standing).toBe('trusted');
  });

  it('operator trust weighs nodes by evidence: 3 honest nodes × 30 checks and 1 liar × 10 contradictions → (87.19 + 0.83) / 100 = 0.880', () => {
    const r = new Reputation();
    for (const n of ['a', 'b', 'c', 'liar']) r.setOperator(n, 'op');
    for (const n of ['a', 'b', 'c']) for (let k = 0; k < 30; k++) r.record(n, 'output', true, 0);
    for (let k = 0; k < 10; k++) r.record('liar', 'output', false, 0);
    const expected = (3 * (31 / 32) * 30 + (1 / 12) * 10) / 100;
    expect(r.operatorTrust('op', 0)).toBeCloseTo(expected, 12);
    expect(r.operatorTrust('nobody', 0)).toBe(0.5);
  });
});

describe('Reputation operators', () => {
  it('lists each operator with its nodes and evidence-weighted trust: 9 held on x, 1 contradicted on y → (10/11 × 9 + 1/3 × 1) / 10 = 0.8515', () => {
    const r = new Reputation();
    r.setOperator('x', 'op');
    r.setOperator('y', 'op');
    r.setOperator('z', 'other');
    for (let k = 0; k < 9; k++) r.record('x', 'warm', true, 0);
    r.record('y', 'warm', false, 0);
    const ops = r.operators(0);
    expect(ops.map((o) => [o.operator, o.nodes])).toEqual([
      ['op', ['x', 'y']],
      ['other', ['z']],
    ]);
    expect(ops[0]!.trust).toBeCloseTo(((10 / 11) * 9 + (1 / 3) * 1) / 10, 12);
    expect(ops[1]!.trust).toBe(0.5);
    expect(r.operatorOf('y')).toBe('op');
  });

  it('gives the same standing through standingOf as through of() after each of 2,000 random checks on 5 nodes over 20 hours, passing through all 3 standings', () => {
    const r = new Reputation();
    const seen = new Set<string>();
    let x = 12345;
    const next = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t += next() * 36_000;
      const node = `n${Math.floor(next() * 5)}`;
      // Node 0 is mostly contradicted, the others mostly not.
      const held = next() < (node === 'n0' ? 0.2 : 0.9);
      r.record(node, next() < 0.5 ? 'warm' : 'output', held, t);
      for (const n of ['n0', 'n1', 'n2', 'n3', 'n4', 'never']) {
        expect(r.standingOf(n, t)).toBe(r.of(n, t).standing);
        seen.add(r.of(n, t).standing);
      }
    }
    expect([...seen].sort()).toEqual(['demoted', 'quarantined', 'trusted']);
  });
});
