import { describe, expect, it } from 'vitest';
import { TrustLedger } from './ledger.js';

const HOUR = 3_600_000;

describe('TrustLedger', () => {
  it('quarantines on the 3rd warm contradiction in a row and names the claim', () => {
    const l = new TrustLedger();
    expect(l.record('n', 'warm', false, 0)).toBe(false);
    expect(l.record('n', 'warm', false, 1)).toBe(false);
    expect(l.record('n', 'warm', false, 2)).toBe(true);
    expect(l.mark('n', 3)).toMatchObject({ quarantined: true, reason: 'warm' });
  });

  it('quarantines on one location refutation (ln(0.5 / 0.01) = 3.91 ≥ 3.5)', () => {
    const l = new TrustLedger();
    expect(l.record('n', 'location', false, 0)).toBe(true);
    expect(l.isQuarantined('n', 0)).toBe(true);
  });

  it('keeps a node contradicted once in every 50 checks (2%, the warm prior p0) in service over 5,000 checks', () => {
    const l = new TrustLedger();
    for (let k = 0; k < 5000; k++) l.record('n', 'warm', k % 50 !== 49, k);
    expect(l.isQuarantined('n', 5000)).toBe(false);
    expect(l.mark('n', 5000).score).toBeGreaterThan(0.97);
  });

  it('tests each claim apart: 2 warm and 2 queue contradictions do not add up to an alarm', () => {
    const l = new TrustLedger();
    for (const c of ['warm', 'queue', 'warm', 'queue'] as const)
      expect(l.record('n', c, false, 0)).toBe(false);
  });

  it('releases after holdMs onto probation: the tests start again from 0, so 3 more contradictions re-quarantine', () => {
    const l = new TrustLedger({ holdMs: HOUR });
    for (let k = 0; k < 3; k++) l.record('n', 'queue', false, 0);
    expect(l.isQuarantined('n', HOUR - 1)).toBe(true);
    expect(l.isQuarantined('n', HOUR)).toBe(false);
    expect(l.record('n', 'queue', false, HOUR)).toBe(false);
    expect(l.record('n', 'queue', false, HOUR)).toBe(false);
    expect(l.record('n', 'queue', false, HOUR)).toBe(true);
  });

  it('counts a node ever contradicted after 1 failed check among 100 held ones, and not after the 100 held alone', () => {
    const l = new TrustLedger();
    for (let t = 0; t < 100; t++) l.record('x', 'warm', true, t);
    expect(l.everContradicted('x')).toBe(false);
    expect(l.standing('x', 100)).toBe('trusted');
    l.record('x', 'queue', false, 101);
    expect(l.everContradicted('x')).toBe(true);
    expect(l.everContradicted('never-seen')).toBe(false);
  });

  it('a node without evidence is trusted, not quarantined, with score 0.5 and no contradictions', () => {
    expect(new TrustLedger().mark('x', 0)).toEqual({
      quarantined: false,
      score: 0.5,
      standing: 'trusted',
      contradicted: {},
    });
  });

  it('scores outputs from output checks alone: 200 held warm checks leave it at 0.5, 2 held and 1 contradicted output checks give 3/5', () => {
    const l = new TrustLedger();
    for (let k = 0; k < 200; k++) l.record('n', 'warm', true, k);
    expect(l.claimScore('n', 'output')).toBe(0.5);
    l.record('n', 'output', true, 300);
    l.record('n', 'output', true, 301);
    l.record('n', 'output', false, 302);
    expect(l.claimScore('n', 'output')).toBeCloseTo(3 / 5, 12);
  });

  it('is suspect on output after one contradiction (test 3.91 > 0) and clears after 6 held checks (−0.68 each)', () => {
    const l = new TrustLedger();
    l.record('n', 'output', false, 0);
    expect(l.suspect('n', 'output')).toBe(true);
    for (let k = 1; k <= 5; k++) l.record('n', 'output', true, k);
    expect(l.suspect('n', 'output')).toBe(true);
    l.record('n', 'output', true, 6);
    expect(l.suspect('n', 'output')).toBe(false);
  });
});

describe('TrustLedger standing, marks and operators', () => {
  it('demotes a node with 1 output contradiction and 3 held checks ((1 + 3) / (2 + 4) = 0.667 < 0.8), names the claim, and trusts it again at 7 held (8 / 10 = 0.8)', () => {
    const l = new TrustLedger();
    l.record('n', 'output', false, 0);
    for (let k = 0; k < 3; k++) l.record('n', 'output', true, 0);
    expect(l.mark('n', 0)).toEqual({
      quarantined: false,
      score: 4 / 6,
      standing: 'demoted',
      contradicted: { output: 1 },
    });
    for (let k = 0; k < 3; k++) l.record('n', 'output', true, 0);
    expect(l.standing('n', 0)).toBe('demoted'); // 7 / 9 = 0.778
    l.record('n', 'output', true, 0);
    expect(l.mark('n', 0)).toMatchObject({ score: 0.8, standing: 'trusted', contradicted: { output: 1 } });
  });

  it('keeps a lone contradiction demoting for one half-life (0.5 left), not two (0.25 left)', () => {
    const l = new TrustLedger();
    l.record('n', 'warm', false, 0);
    expect(l.standing('n', 0)).toBe('demoted');
    expect(l.standing('n', HOUR)).toBe('demoted');
    expect(l.standing('n', 2 * HOUR)).toBe('trusted');
  });

  it('says quarantined, with the claim, over demoted while the hold lasts', () => {
    const l = new TrustLedger();
    l.record('n', 'output', false, 0);
    l.record('n', 'output', false, 0);
    expect(l.mark('n', 1)).toMatchObject({
      quarantined: true,
      reason: 'output',
      standing: 'quarantined',
      contradicted: { output: 2 },
    });
    expect(l.standing('n', HOUR + 1)).toBe('demoted');
  });

  it('scores operators by evidence: 20 held + 2 contradicted → (21/22 × 20 + 1/4 × 2) / 22 = 0.8905, one node quarantined; no evidence → 0.5', () => {
    const l = new TrustLedger();
    l.setOperator('honest', 'a');
    l.setOperator('liar', 'a');
    l.setOperator('idle', 'b');
    for (let k = 0; k < 20; k++) l.record('honest', 'output', true, 0);
    l.record('liar', 'output', false, 0);
    l.record('liar', 'output', false, 0);
    const ops = l.operators(0);
    expect(ops.map((o) => o.id)).toEqual(['a', 'b']);
    expect(ops[0]!.score).toBeCloseTo(((21 / 22) * 20 + (1 / 4) * 2) / 22, 12);
    expect(ops[0]).toMatchObject({ nodes: 2, quarantined: 1, demoted: 0 });
    expect(ops[1]).toEqual({ id: 'b', score: 0.5, nodes: 1, quarantined: 0, demoted: 0 });
  });
});
