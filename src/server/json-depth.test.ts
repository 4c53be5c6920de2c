import { describe, expect, it } from 'vitest';
import { jsonDepthWithin, MAX_JSON_DEPTH } from './json-depth.js';

describe('JSON nesting depth before parsing', () => {
  it('counts objects and arrays: {"a":[1]} is 2 deep', () => {
    expect(jsonDepthWithin('{"a":[1]}', 2)).toBe(true);
    expect(jsonDepthWithin('{"a":[1]}', 1)).toBe(false);
  });

  it('accepts 64 levels and refuses 65 and 10,000', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(jsonDepthWithin(nested(64), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonDepthWithin(nested(65), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDepthWithin(nested(10_000), MAX_JSON_DEPTH)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `${'['.repeat(500)}\\"{{{` });
    expect(jsonDepthWithin(text, 1)).toBe(true);
  });

  it('siblings do not add up: 1,000 arrays side by side are 2 deep', () => {
    expect(jsonDepthWithin(`[${'[],'.repeat(999)}[]]`, 2)).toBe(true);
  });
});
