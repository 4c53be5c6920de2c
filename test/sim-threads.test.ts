import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/cli/exit.js';
import { NotFoundError } from '../src/errors.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { type PolicyProgress, ProgressBoard } from '../src/sim/progress.js';
import { resultsJson } from '../src/sim/report/write.js';
import { buildResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { simulateOnThreads } from '../src/sim/threads.js';
import { ROOT } from './support/shared-data.js';

/**
 * Policies on worker threads give the same results.json bytes as the single-thread path. The workers run
 * the built code (dist/), so these tests need `npm run build` first; the single-thread side runs the
 * sources, which also catches a dist/ older than the sources.
 */
const built = existsSync(join(ROOT, 'dist', 'sim', 'policy-worker.js'));
if (!built) console.warn('skipping: dist/sim/policy-worker.js not built (run npm run build)');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function inputOf(scenario: string, seed: number, durationS: number, policies: string[]) {
  const loaded = loadScenarioFile(join(ROOT, 'scenarios', scenario));
  return simInputFromScenario(loaded, { seed, durationS, policies });
}

async function bothPaths(scenario: string, seed: number, durationS: number, policies: string[]) {
  const input = inputOf(scenario, seed, durationS, policies);
  const one = resultsJson(buildResults(runSimulation(input, routingRouterFactory, {}, policies)));
  const threaded = resultsJson(await simulateOnThreads(input, policies, { threads: 2 }));
  return { one, threaded };
}

describe('simulate on worker threads', () => {
  for (const seed of [1, 2]) {
    it.skipIf(!built)(
      `small.yaml, 4 policies on 2 threads, seed ${seed}, 30 s: results.json identical to one thread`,
      async () => {
        const policies = ['random', 'nearest', 'least-loaded', 'meridian'];
        const { one, threaded } = await bothPaths('small.yaml', seed, 30, policies);
        expect(Object.keys(JSON.parse(threaded).policies)).toEqual(policies);
        expect(JSON.parse(one).seed).toBe(seed);
        expect(threaded).toBe(one);
      },
    );
  }

  it.skipIf(!built)(
    'heterogeneous.yaml (truth: factors, stragglers, measured RTTs), 3 policies, seed 2, 60 s: identical bytes',
    async () => {
      const { one, threaded } = await bothPaths('heterogeneous.yaml', 2, 60, [
        'meridian',
        'meridian-static',
        'nearest',
      ]);
      expect(JSON.parse(one).truth.rtt.source).toBe('measured');
      expect(threaded).toBe(one);
    },
  );

  it.skipIf(!built)('liars.yaml, 3 policies, seed 1, 60 s: identical bytes', async () => {
    const { one, threaded } = await bothPaths('liars.yaml', 1, 60, ['meridian', 'least-loaded', 'random']);
    expect(threaded).toBe(one);
  });

  it.skipIf(!built)(
    'reports every one of 3 policies done exactly once, and progress of each before it is done',
    async () => {
      const policies = ['random', 'nearest', 'meridian'];
      const reports: PolicyProgress[] = [];
      await simulateOnThreads(inputOf('small.yaml', 1, 30, policies), policies, {
        threads: 2,
        progress: (p) => reports.push(p),
      });
      const done = reports.filter((p) => p.done).map((p) => p.index);
      expect([...done].sort()).toEqual([0, 1, 2]);
      for (let i = 0; i < 3; i++) {
        const first = reports.findIndex((p) => p.index === i);
        expect(reports[first]!.done).toBeUndefined();
        expect(reports[first]!.policy).toBe(policies[i]);
        expect(reports.every((p) => p.of === 3)).toBe(true);
      }
    },
  );

  it.skipIf(!built)(
    'a profiles file gone by the time a worker reads it surfaces as the same not-found error (exit 2), no stack',
    async () => {
      const missing = join(ROOT, 'no-such-profiles.yaml');
      const policies = ['random', 'nearest'];
      const run = simulateOnThreads(inputOf('small.yaml', 1, 30, policies), policies, {
        threads: 2,
        profiles: missing,
      });
      const error = await run.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(exitCodeFor(error)).toBe(2);
      expect((error as Error).message).toBe(`${missing}: cannot read profiles file (no such file)`);
    },
  );
});

describe('meridian simulate --threads (built CLI)', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [CLI, 'simulate', ...args], { encoding: 'utf8', cwd: ROOT });

  it.skipIf(!built)('--threads 2 and --threads 1 print the same JSON for 3 policies, seed 5, 30 s', () => {
    const common = [join(ROOT, 'scenarios', 'small.yaml'), '--duration', '30', '--seed', '5'];
    const policies = ['--policies', 'p2c,nearest,meridian', '--json'];
    const one = cli(...common, ...policies, '--threads', '1');
    const two = cli(...common, ...policies, '--threads', '2');
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stdout).toBe(one.stdout);
  });

  it.skipIf(!built)('--threads 0 exits 2 naming the flag and the accepted range', () => {
    const r = cli(join(ROOT, 'scenarios', 'small.yaml'), '--threads', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--threads 0');
    expect(r.stderr).toContain('from 1 to 1024');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('ProgressBoard', () => {
  it('3 policies, 1 done, 2 running at 300 s and 150 s of 600 s: 58 %, the behind one’s time, summed ev/s', () => {
    const board = new ProgressBoard(600_000, 0);
    const at = (p: Omit<PolicyProgress, 'of'>, now: number) => board.update({ ...p, of: 3 }, now);
    at({ policy: 'a', index: 0, simMs: 0, events: 0 }, 0);
    at({ policy: 'a', index: 0, simMs: 600_000, events: 0, done: true }, 1000);
    at({ policy: 'b', index: 1, simMs: 0, events: 0 }, 1000);
    at({ policy: 'c', index: 2, simMs: 0, events: 0 }, 1000);
    at({ policy: 'b', index: 1, simMs: 300_000, events: 20_000 }, 3000);
    at({ policy: 'c', index: 2, simMs: 150_000, events: 10_000 }, 3000);
    // (1 + 0.5 + 0.25) / 3 = 58.3 %; 20,000 / 2 s + 10,000 / 2 s = 15k ev/s; ETA 3 s / 0.583 × 0.417 = 2 s.
    const line = board.line(3000, 12);
    expect(line).toBe('███████░░░░░  58%  1/3 done, running b c  sim 2:30/10:00  15k ev/s  ETA 0:02');
  });

  it('one policy running shows its place and name, as the single-thread run does', () => {
    const board = new ProgressBoard(60_000, 0);
    board.update({ policy: 'meridian', index: 1, of: 2, simMs: 30_000, events: 5000 }, 0);
    board.update({ policy: 'meridian', index: 1, of: 2, simMs: 30_000, events: 5000 }, 1000);
    expect(board.line(1000, 4)).toContain('2/2 meridian  sim 0:30/1:00');
  });
});
