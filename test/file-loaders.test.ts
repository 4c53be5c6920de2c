import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UnreadableFileError } from '../src/errors.js';
import { loadFleet } from '../src/fleet/fleet.js';
import { loadCandidatesFile } from '../src/placement/candidates.js';
import { parseNodeArg } from '../src/placement/node-arg.js';
import { loadProfilesFile } from '../src/routing/profiles.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { loadConfig } from '../src/server/config.js';
import { loadProfile } from '../src/worker/profile.js';

/**
 * Every loader of a user's YAML file goes through one reader: a file that cannot be read is an
 * UnreadableFileError (exit 2), a syntax error an InputError with the line.
 */
const LOADERS: [string, (file: string) => unknown][] = [
  ['scenario', (f) => loadScenarioFile(f)],
  ['server config', (f) => loadConfig(f)],
  ['routing profiles', (f) => loadProfilesFile(f)],
  ['worker profile', (f) => loadProfile(f)],
  ['fleet', (f) => loadFleet(f)],
  ['placement candidates', (f) => loadCandidatesFile(f)],
  ['score-node --node @file', (f) => parseNodeArg(`@${f}`, [])],
];

const dir = mkdtempSync(join(tmpdir(), 'meridian-loaders-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const broken = join(dir, 'broken.yaml');
writeFileSync(broken, 'a: 1\nb: c: d\n');

async function errorOf(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('YAML file loaders', () => {
  it.each(LOADERS)('%s: a missing file is an UnreadableFileError naming it', async (_, load) => {
    const file = join(dir, 'missing.yaml');
    const e = await errorOf(() => load(file));
    expect(e).toBeInstanceOf(UnreadableFileError);
    expect((e as Error).message).toMatch(/: cannot read .* \(no such file\)$/);
    expect((e as Error).message.startsWith(`${file}: `)).toBe(true);
  });

  it.each(LOADERS)('%s: a directory is an UnreadableFileError too', async (_, load) => {
    expect(await errorOf(() => load(dir))).toBeInstanceOf(UnreadableFileError);
  });

  it.each(LOADERS)('%s: a syntax error names line 2, column 4', async (_, load) => {
    const e = await errorOf(() => load(broken));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).issues[0]!.line).toBe(2);
    expect((e as Error).message).toContain('line 2, column 4');
  });
});
