import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/commands.js';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

const NODES = join(ROOT, 'test', 'fixtures', 'import', 'nodes.csv');

describe('numeric flags say which flag, which value and what was expected', () => {
  it('analyze --top -3 (a negative number after the flag): exit 2, "negative; expected an integer from 1 to 1000"', async () => {
    const r = await meridian('analyze', '--network', NODES, '--top', '-3');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('meridian: analyze: --top -3: negative; expected an integer from 1 to 1000');
  });

  it('simulate --seed -1 and start --rate -2 are negative; start --rate abc is not a number; --top 2.5 not whole', async () => {
    const seed = await meridian('simulate', join(ROOT, 'scenarios', 'small.yaml'), '--seed', '-1');
    expect(seed.code).toBe(2);
    expect(seed.stderr).toBe(
      'meridian: simulate: --seed -1: negative; expected an integer from 0 to 4294967295',
    );
    const rate = await meridian('start', '--rate', '-2');
    expect(rate.stderr).toBe('meridian: start: --rate -2: negative; expected a number from 0 to 10000');
    const text = await meridian('start', '--rate', 'abc');
    expect(text.code).toBe(2);
    expect(text.stderr).toBe('meridian: start: --rate abc: not a number; expected a number from 0 to 10000');
    const half = await meridian('analyze', '--network', NODES, '--top', '2.5');
    expect(half.stderr).toBe(
      'meridian: analyze: --top 2.5: not a whole number; expected an integer from 1 to 1000',
    );
  });
});

describe('a file given bare to a command that takes it by flag', () => {
  it('place FILE and analyze FILE: exit 2, "did you mean --scenario FILE?" / "--network FILE?"; a second bare argument gets no hint', async () => {
    const small = join(ROOT, 'scenarios', 'small.yaml');
    const place = await meridian('place', small);
    expect(place.code).toBe(2);
    expect(place.stderr.split('\n')[0]).toBe(
      `meridian: place: unexpected argument "${small}" (did you mean --scenario ${small}?)`,
    );
    const analyze = await meridian('analyze', NODES);
    expect(analyze.stderr.split('\n')[0]).toBe(
      `meridian: analyze: unexpected argument "${NODES}" (did you mean --network ${NODES}?)`,
    );
    const extra = await meridian('place', '--scenario', small, '--add', '1', 'extra');
    expect(extra.stderr.split('\n')[0]).toBe('meridian: place: unexpected argument "extra"');
  });
});

describe('meridian --version and meridian help CMD', () => {
  it('--version prints "meridian <package.json version>" and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await meridian('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`meridian ${version}`);
    expect(JSON.parse((await meridian('--version', '--json')).stdout)).toEqual({ version });
  });

  it('help CMD prints exactly what CMD --help prints, for one- and two-word commands', async () => {
    for (const name of ['analyze', 'start', 'scenario validate']) {
      const viaHelp = await meridian('help', ...name.split(' '));
      const viaFlag = await meridian(...name.split(' '), '--help');
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(viaFlag.stdout);
      expect(viaHelp.stdout.startsWith(`meridian ${name}`)).toBe(true);
    }
    const unknown = await meridian('help', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "nope"');
  });
});

describe('help texts match the repository', () => {
  it('start --help states the number of worker profiles the default fleet starts (16 in examples/fleet/workers)', async () => {
    const profiles = readdirSync(join(ROOT, 'examples', 'fleet', 'workers')).filter((f) =>
      f.endsWith('.yaml'),
    );
    const r = await meridian('start', '--help');
    expect(r.stdout).toContain(`${profiles.length} workers on 5 continents`);
  });

  it('worker --lie-rate: 1.5 is out of range (0 to 1); with --lie speed, or without --lie, it is refused naming the lies it applies to', async () => {
    const profile = join(
      ROOT,
      'examples',
      'fleet',
      'workers',
      readdirSync(join(ROOT, 'examples', 'fleet', 'workers'))[0]!,
    );
    const high = await meridian(
      'worker',
      '--emulate',
      '--profile',
      profile,
      '--lie',
      'output',
      '--lie-rate',
      '1.5',
    );
    expect([high.code, high.stderr]).toEqual([
      2,
      'meridian: worker: --lie-rate 1.5: out of range; expected a number from 0 to 1',
    ]);
    const speed = await meridian(
      'worker',
      '--emulate',
      '--profile',
      profile,
      '--lie',
      'speed',
      '--lie-rate',
      '0.5',
    );
    expect([speed.code, speed.stderr]).toEqual([
      2,
      'meridian: worker: --lie-rate applies to --lie warm, queue, output, data (got --lie speed)',
    ]);
    const none = await meridian('worker', '--emulate', '--profile', profile, '--lie-rate', '0.5');
    expect(none.stderr).toBe(
      'meridian: worker: --lie-rate applies to --lie warm, queue, output, data (got no --lie)',
    );
  });

  it('worker --help points at the folder that holds the worker profiles', async () => {
    const r = await meridian('worker', '--help');
    const glob = /\((examples\/[^;)]*)\/\*\.yaml/.exec(r.stdout)?.[1];
    expect(glob).toBeDefined();
    expect(readdirSync(join(ROOT, glob!)).some((f) => f.endsWith('.yaml'))).toBe(true);
  });

  it('every command documents --json in its help (the README: "Every command takes --help and --json")', async () => {
    for (const entry of COMMANDS) {
      const cmd = await entry.load();
      expect({ command: cmd.name, json: cmd.help.includes('--json') }).toEqual({
        command: cmd.name,
        json: true,
      });
    }
  });
});

describe('URL flags say which flag and which value', () => {
  const profile = join(ROOT, 'examples', 'fleet', 'workers', 'fra-1.yaml');
  it('worker --coordinator notaurl and ftp://x: exit 2, "must be an http(s) URL", before it listens (the process ends)', async () => {
    for (const bad of ['notaurl', 'ftp://x']) {
      const r = await meridian(
        'worker',
        '--emulate',
        '--profile',
        profile,
        '--coordinator',
        bad,
        '--token',
        't',
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`meridian: worker: --coordinator must be an http(s) URL (got "${bad}")`);
    }
  });

  it('agent --endpoint notaurl: the same message (it was sent to the coordinator, refused there, and retried)', async () => {
    const node = join(ROOT, 'examples', 'node.yaml');
    const r = await meridian(
      'agent',
      ...['--coordinator', 'http://127.0.0.1:9', '--backend', 'http://127.0.0.1:9', '--kind', 'openai'],
      ...['--node', node, '--token', 't', '--endpoint', 'notaurl'],
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('meridian: agent: --endpoint must be an http(s) URL (got "notaurl")');
  });

  it('agent --coordinator notaurl: the same message', async () => {
    const r = await meridian(
      'agent',
      '--coordinator',
      'notaurl',
      '--backend',
      'http://127.0.0.1:9',
      '--token',
      't',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('meridian: agent: --coordinator must be an http(s) URL (got "notaurl")');
  });
});
