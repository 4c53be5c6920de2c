import { describe, expect, it } from 'vitest';
import { dimensionCodes, encodeLabels, LabelCoder, NO_LABEL, sameLabel } from './label-codes.js';

describe('encodeLabels', () => {
  it('codes aws, (none), gcp, "", aws as 0, -1, 1, -1, 0: values in order of first appearance', () => {
    const raw = ['aws', undefined, 'gcp', '', 'aws'];
    const c = encodeLabels(raw.length, (i) => raw[i]);
    expect([...c.codes]).toEqual([0, NO_LABEL, 1, NO_LABEL, 0]);
    expect(c.values).toEqual(['aws', 'gcp']);
    expect(c.index.get('gcp')).toBe(1);
    expect(NO_LABEL).toBe(-1);
  });

  it('codes nothing for no items', () => {
    const c = encodeLabels(0, () => 'x');
    expect(c.codes.length).toBe(0);
    expect(c.values).toEqual([]);
  });

  it('codes one dimension of labelled items: provider of a, b, c (b has none) → 0, -1, 0', () => {
    const labels = [{ provider: { value: 'ovh' } }, {}, { provider: { value: 'ovh' } }];
    expect([...dimensionCodes(labels, 'provider').codes]).toEqual([0, -1, 0]);
  });
});

describe('LabelCoder', () => {
  it('codes b, a, b, (none), "" one at a time as 0, 1, 0, -1, -1', () => {
    const coder = new LabelCoder();
    expect(['b', 'a', 'b', undefined, ''].map((v) => coder.of(v))).toEqual([0, 1, 0, -1, -1]);
    expect(coder.values).toEqual(['b', 'a']);
  });
});

describe('sameLabel (the missing-label rule)', () => {
  it.each([
    [0, 0, true],
    [0, 1, false],
    [0, NO_LABEL, false],
    [NO_LABEL, 0, false],
    [NO_LABEL, NO_LABEL, false],
  ])('codes %i and %i are the same group: %s', (a, b, same) => {
    expect(sameLabel(a, b)).toBe(same);
  });
});
