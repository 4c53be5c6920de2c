import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type InputIssue } from '../src/errors.js';
import { expectedRequests, MAX_DURATION_S, MAX_REQUESTS } from '../src/scenario/limits.js';
import { loadScenarioText } from '../src/scenario/load.js';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

/** A valid one-node scenario at `totalRps` over `durationS`, with `extra` demand lines. */
function scenario(totalRps: string, durationS: string, extra = ''): string {
  return `name: t
seed: 1
durationS: ${durationS}
network:
  nodes:
    - id: fra-1
      location: { metro: frankfurt }
      labels: { provider: aws }
      hardware: { accelerator: h100, count: 8 }
models:
  catalog: builtin
  include: [llama-3.1-8b-instruct]
demand:
  totalRps: ${totalRps}
${extra}`;
}

function issuesOf(text: string): InputIssue[] {
  try {
    loadScenarioText(text, 'inline.yaml', ROOT);
  } catch (e) {
    if (e instanceof InputError) return e.issues;
    throw e;
  }
  return [];
}

describe('expectedRequests: an upper bound on what a synthetic demand asks for', () => {
  it('2 req/s over 100 s = 200; a ×3 burst of 10 s adds 2 × 2 × 10 = 40; +100%/day growth over a day doubles it', () => {
    expect(expectedRequests({ totalRps: 2, bursts: [] }, 100)).toBe(200);
    expect(expectedRequests({ totalRps: 2, bursts: [{ durationS: 10, factor: 3 }] }, 100)).toBe(240);
    expect(expectedRequests({ totalRps: 2, bursts: [], growth: [{ perDay: 1 }] }, 86_400)).toBe(
      2 * 86_400 * 2,
    );
  });
});

describe('a simulation too large for memory or for a lifetime is refused before it starts', () => {
  it('totalRps 1e9 over 600 s (6.00e+11 requests, over 100 million): an issue at demand.totalRps', () => {
    const issues = issuesOf(scenario('1e9', '600'));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('demand.totalRps');
    expect(issues[0]!.message).toContain('about 6.00e+11 requests');
    expect(issues[0]!.message).toContain(`at most ${MAX_REQUESTS.toLocaleString('en-US')}`);
  });

  it('durationS 1e20 is over 31 days; a burst factor of 1e308 over 1000', () => {
    expect(issuesOf(scenario('5', '1e20'))[0]).toMatchObject({
      path: 'durationS',
      message: `expected ≤ ${MAX_DURATION_S}`,
    });
    const burst = '  bursts:\n    - { atS: 10, durationS: 60, factor: 1e308 }\n';
    expect(issuesOf(scenario('5', '600', burst))[0]).toMatchObject({
      path: 'demand.bursts[0].factor',
      message: 'expected ≤ 1000',
    });
  });

  it('the built-in scenarios are within the limits (global: 400 req/s for an hour)', () => {
    expect(issuesOf(scenario('400', '3600'))).toEqual([]);
  });

  it('simulate --duration 99999999999 and analyze --sim-duration 1e12: exit 2 naming the flag and the limit', async () => {
    const small = join(ROOT, 'scenarios', 'small.yaml');
    const sim = await meridian('simulate', small, '--duration', '99999999999');
    expect(sim.code).toBe(2);
    expect(sim.stderr).toBe(
      'meridian: simulate: --duration 99999999999: 99999999999 s simulated is more than the 2678400 s (31 days) the simulator runs',
    );
    const analyze = await meridian('analyze', '--network', small, '--simulate', '--sim-duration', '1e12');
    expect(analyze.code).toBe(2);
    expect(analyze.stderr).toBe(
      'meridian: analyze: --sim-duration 1e12: out of range; expected a number from 1 to 2678400',
    );
  });
});
