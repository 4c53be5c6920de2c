import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** route() reads at a glance: named steps, none longer than 40 lines (issue: readable routing). */
describe('the shape of route.ts', () => {
  const text = readFileSync(new URL('./route.ts', import.meta.url), 'utf8');

  /** Lines from each top-level `function` to its closing brace at column 0. */
  function functionLengths(): Map<string, number> {
    const out = new Map<string, number>();
    let open: { name: string; at: number } | undefined;
    text.split('\n').forEach((line, i) => {
      const start = /^(?:export )?function (\w+)/.exec(line);
      if (start) open = { name: start[1]!, at: i };
      else if (line === '}' && open) {
        out.set(open.name, i - open.at + 1);
        open = undefined;
      }
    });
    return out;
  }

  it('keeps every function of route.ts, route() included, at 40 lines or fewer', () => {
    const lengths = functionLengths();
    expect(lengths.get('route')).toBeDefined();
    expect([...lengths].filter(([, n]) => n > 40)).toEqual([]);
  });

  it('runs the steps in the documented order: gather and filter, score and pick, deadline, fallbacks, sends and verifiers, finish', () => {
    const body = text.slice(
      text.indexOf('export function route('),
      text.indexOf('\n}\n', text.indexOf('export function route(')),
    );
    const order = [
      'gatherAndFilter(',
      'scoreAndPick(',
      'applyDeadline(',
      'fallbacks(',
      'sendAndVerify(',
      'finish(',
    ];
    const at = order.map((step) => body.indexOf(step));
    expect(at.every((k) => k > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
