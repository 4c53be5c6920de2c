import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliOutcome, meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'import');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `meridian analyze …` in-process. */
function analyze(...args: string[]): Promise<CliOutcome> {
  return meridian('analyze', ...args);
}

/** Runs the built binary, for what only a real process shows (exit status, stderr). */
function binary(...args: string[]): Outcome {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before this test`);
  const r = spawnSync(process.execPath, [CLI, 'analyze', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixture = (name: string) => join(FIXTURES, name);

describe('meridian analyze: bad input exits 2 naming file, row and column', () => {
  it('an unknown column in a --map mapping (through the built binary: exit status 2, message on stderr)', () => {
    const r = binary('--network', fixture('nodes.csv'), '--map', 'asn=ASNX');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'nodes.csv:1: row 1, column "ASNX": --map asn=ASNX names a column the header does not have',
    );
  });

  it('an unknown --weight column', async () => {
    const r = await analyze('--network', fixture('nodes.csv'), '--weight', 'stakes');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nodes.csv:1: row 1, column "stakes": --weight stakes names a column');
  });

  it('an empty file', async () => {
    const r = await analyze('--network', fixture('empty.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('empty.csv:1: row 1: empty file');
  });

  it('a weight that is not a number, in CSV (with its line) and in JSON', async () => {
    const csv = await analyze('--network', fixture('bad-weight.csv'), '--weight', 'stake');
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain(
      'bad-weight.csv:4: row 3, column "stake": expected a non-negative number (got "abc")',
    );
    const json = await analyze('--network', fixture('nodes.json'), '--weight', 'stake', '--json');
    expect(json.code).toBe(2);
    expect(json.stderr).toContain(
      'nodes.json: row 4, column "stake": expected a non-negative number (got "ten")',
    );
    const body = JSON.parse(json.stdout) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.issues[0]!.path).toBe('row 4, column "stake"');
  });

  it('--simulate on a table network, which has no workload to simulate', async () => {
    const r = await analyze('--network', fixture('nodes.csv'), '--simulate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--simulate needs a scenario network');
  });

  it('an outage selector naming a value no node has, and a missing file', async () => {
    expect((await analyze('--network', fixture('nodes.csv'), '--outage', 'provider=azure')).stderr).toContain(
      'no member has provider=azure',
    );
    expect((await analyze('--network', fixture('missing.csv'))).code).toBe(2);
  });
});

describe('meridian analyze on a small CSV', () => {
  it('prints a table per dimension and the what-if of the top domains', async () => {
    const r = await analyze('--network', fixture('nodes.csv'), '--weight', 'stake');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^provider +3 +0\.6600 +1\.52 /m);
    expect(r.stdout).toContain('provider: largest groups');
    expect(r.stdout).toMatch(/^provider=hetzner +2 +80\.0% /m);
  });

  it('gives the documented JSON shape with --json', async () => {
    const r = await analyze(
      '--network',
      fixture('nodes.csv'),
      '--weight',
      'stake',
      '--map',
      'provider=provider',
      '--map',
      'op=note',
      '--json',
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      dimensions: Record<
        string,
        { groups: number; hhi: number; effective: number; entropy: number; nakamoto: object; top: object[] }
      >;
      whatif: { name: string; removed: number; weightLost: number }[];
    };
    // Once --map is given, only the mapped columns are dimensions.
    expect(Object.keys(out.dimensions)).toEqual(['provider', 'op']);
    // Stakes 50 + 30 on hetzner, 10 aws, 10 ovh: shares 0.8, 0.1, 0.1.
    expect(out.dimensions.provider).toMatchObject({ groups: 3, nakamoto: { '1/3': 1, '1/2': 1, '2/3': 1 } });
    expect(out.dimensions.provider!.hhi).toBeCloseTo(0.66, 12);
    expect(out.dimensions.provider!.top[0]).toEqual({ value: 'hetzner', share: 0.8 });
    // The fourth node (ovh, stake 10 of 100) has an empty note: unknown (10%), not a group of its own.
    expect(out.dimensions.op!.groups).toBe(3);
    expect((out.dimensions.op as unknown as { unknown: number }).unknown).toBeCloseTo(0.1, 12);
    expect(out.whatif[0]).toMatchObject({ name: 'provider=hetzner', removed: 2, weightLost: 0.8 });
  });
});

describe('meridian analyze on a scenario file', () => {
  const small = join(ROOT, 'scenarios', 'small.yaml');

  it.skipIf(!existsSync(small))(
    'adds per-model replicas and cuts, latency per region and the what-if',
    async () => {
      const r = await analyze('--network', small, '--json');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as {
        network: { format: string; capacityUnit: string };
        models: { model: string; warm: number; warmCut: { domains: unknown[] } }[];
        latency: { region: string }[];
        whatif: unknown[];
      };
      expect(out.network).toMatchObject({ format: 'scenario', capacityUnit: 'slots' });
      expect(out.models.length).toBeGreaterThan(0);
      for (const m of out.models) if (m.warm > 0) expect(m.warmCut.domains.length).toBeGreaterThan(0);
      expect(out.latency.length).toBeGreaterThan(0);
      expect(out.whatif.length).toBeGreaterThan(0);
    },
  );

  it.skipIf(!existsSync(small))(
    'simulates the same arrivals with and without an outage under --simulate',
    async () => {
      const r = await analyze(
        '--network',
        small,
        '--simulate',
        '--sim-duration',
        '30',
        '--outage',
        'provider=aws',
        '--json',
      );
      expect(r.code).toBe(0);
      const sim = (
        JSON.parse(r.stdout) as {
          simulation: {
            durationS: number;
            baseline: { requests: number };
            outages: { name: string; requests: number }[];
          };
        }
      ).simulation;
      expect(sim.durationS).toBe(30);
      expect(sim.outages.map((o) => o.name)).toEqual(['provider=aws']);
      expect(sim.outages[0]!.requests).toBe(sim.baseline.requests);
    },
  );

  it.skipIf(!existsSync(small))('refuses column mappings for a scenario', async () => {
    const r = await analyze('--network', small, '--preset', 'solana-validators');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apply to csv and json networks');
  });
});

describe('analyze --by on data the network does not have', () => {
  it('--by slots on a table without slots: exit 2, "no node … has a slots value" (it printed all-zero concentrations)', async () => {
    const r = await analyze('--network', fixture('nodes.csv'), '--by', 'slots');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'meridian: analyze: --by slots: no node of nodes.csv has a slots value, so every weight would be 0 (use --by count)',
    );
  });

  it('--by slots on a scenario (every node has slots) is weighted by them', async () => {
    const r = await analyze('--network', join(ROOT, 'scenarios', 'small.yaml'), '--by', 'slots');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('weighted by slots');
  });
});

describe('analyze sources', () => {
  it('--network with --opengradient: exit 2, "give either … not both" (--network was dropped unseen)', async () => {
    const r = await analyze('--network', fixture('nodes.csv'), '--opengradient', 'http://127.0.0.1:9');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('meridian: analyze: give either --network FILE or --opengradient URL, not both');
  });
});
