import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { POLICY_NAMES } from '../src/model/policies.js';
import { NetworkState } from '../src/network/state.js';
import { parseRequest } from '../src/routing/request.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { startCoordinator } from './server-kit.js';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

/** One policy resolver for route, serve and simulate: built-in profiles plus a user's profiles file. */

const SMALL = join(ROOT, 'scenarios', 'small.yaml');
const dir = mkdtempSync(join(tmpdir(), 'meridian-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROFILES = join(dir, 'profiles.yaml');
writeFileSync(
  PROFILES,
  `plugins:
  healthy: { type: healthy }
  rtt: { type: rtt }
  lowest: { type: min }
profiles:
  closest:
    description: the healthy node with the smallest round trip among the 4 nearest
    candidates: { mode: nearest, warm: 0, fast: 0, cold: 4, explore: 0 }
    filters: [healthy]
    scorers: [rtt]
    picker: lowest
    fallbacks: ranked
`,
);

/** small.yaml with its `policies:` line replaced. */
function scenarioWith(policies: string): string {
  const file = join(dir, `scenario-${policies.replace(/\W+/g, '-')}.yaml`);
  const text = readFileSync(SMALL, 'utf8').replace(/^policies: .*$/m, `policies: ${policies}`);
  writeFileSync(file, text);
  return file;
}

const BUILTIN = ['meridian', ...POLICY_NAMES.filter((n) => n !== 'meridian')].join(', ');

describe('meridian simulate --profiles', () => {
  it('runs a custom profile named in --policies next to the built-in random and reports both', async () => {
    const r = await meridian(
      'simulate',
      SMALL,
      '--duration',
      '20',
      '--profiles',
      PROFILES,
      '--policies',
      'closest,random',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { policies: Record<string, { served: number }> };
    expect(Object.keys(out.policies)).toEqual(['closest', 'random']);
    expect(out.policies.closest!.served).toBeGreaterThan(0);
  });

  it("runs the profiles a scenario's policies list names, when given the file that defines them", async () => {
    const r = await meridian(
      'simulate',
      scenarioWith('[closest, p2c]'),
      '--duration',
      '20',
      '--profiles',
      PROFILES,
      '--json',
    );
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).policies)).toEqual(['closest', 'p2c']);
  });

  it("is an exit-2 error at the scenario's file:line and path for a policy no profile defines, listing the 10 built-in names", async () => {
    const file = scenarioWith('[meridian, closest]');
    const r = await meridian('simulate', file, '--duration', '20');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: policies\\[1\\]: unknown policy; expected one of ${BUILTIN} \\(got "closest"\\)`,
      ),
    );
    expect(r.stderr).not.toContain('    at ');
  });

  it('is an exit-2 error for an unknown --policies name, listing the built-in names and the file\'s "closest"', async () => {
    const r = await meridian('simulate', SMALL, '--profiles', PROFILES, '--policies', 'meridian,fastest');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meridian: simulate: --policies: unknown policy "fastest"; expected one of ${BUILTIN}, closest`,
    );
  });
});

describe('meridian scenario validate --profiles', () => {
  it('flags policies[1] "closest" without the profiles file and accepts it with --profiles', async () => {
    const file = scenarioWith('[meridian, closest]');
    const without = await meridian('scenario', 'validate', file);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(
      /:\d+: policies\[1\]: unknown policy; expected one of .* \(got "closest"\)/,
    );
    const withFile = await meridian('scenario', 'validate', file, '--profiles', PROFILES);
    expect(withFile.code).toBe(0);
    expect(withFile.stdout).toMatch(/^ok /);
  });
});

describe('route, serve and simulate resolve a name the same way', () => {
  const request = {
    model: 'llama-3.1-8b-instruct',
    client: { lat: 50.11, lon: 8.68, metro: 'frankfurt' },
    inputTokens: 500,
    outputTokens: 100,
  };

  it('route --profiles replays the decision serve took with the profile "closest" of routing.profilesFile', async () => {
    const served = await startCoordinator({ routing: { policy: 'closest', profilesFile: PROFILES } });
    let decided: { primary?: string; receipt: unknown };
    try {
      const view = NetworkState.fromScenario(loadScenarioFile(SMALL)).snapshot(0);
      decided = served.coordinator.decide(parseRequest(request, 'request'), view);
    } finally {
      await served.close();
    }
    const receipt = decided.receipt as { policy: string; seed: number };
    expect(receipt.policy).toBe('closest');
    const r = await meridian(
      'route',
      '--scenario',
      SMALL,
      '--profiles',
      PROFILES,
      '--policy',
      'closest',
      '--seed',
      String(receipt.seed),
      '--request',
      JSON.stringify(request),
      '--json',
    );
    expect(r.code).toBe(0);
    const routed = JSON.parse(r.stdout) as { primary: string; policy: string };
    expect(routed.policy).toBe('closest');
    expect(routed.primary).toBe(decided.primary);
  });

  it('serve with a profiles file still resolves the built-in p2c, as route and simulate do', async () => {
    const served = await startCoordinator({ routing: { policy: 'p2c', profilesFile: PROFILES } });
    try {
      const view = NetworkState.fromScenario(loadScenarioFile(SMALL)).snapshot(0);
      expect(
        (served.coordinator.decide(parseRequest(request, 'request'), view).receipt as { policy: string })
          .policy,
      ).toBe('p2c');
    } finally {
      await served.close();
    }
    const sim = await meridian(
      'simulate',
      SMALL,
      '--duration',
      '10',
      '--profiles',
      PROFILES,
      '--policies',
      'p2c',
    );
    expect(sim.code).toBe(0);
    const route = await meridian(
      'route',
      '--scenario',
      SMALL,
      '--profiles',
      PROFILES,
      '--policy',
      'p2c',
      '--request',
      JSON.stringify(request),
    );
    expect(route.code).toBe(0);
  });

  it('serve refuses an unknown routing.policy, naming the field and every valid name', async () => {
    await expect(
      startCoordinator({ routing: { policy: 'fastest', profilesFile: PROFILES } }),
    ).rejects.toThrow(`config: routing.policy: expected one of ${BUILTIN}, closest (got "fastest")`);
  });
});
