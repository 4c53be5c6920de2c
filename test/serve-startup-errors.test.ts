import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureWritableDir } from '../src/util/writable-dir.js';
import { tempDir, writeYaml } from './server-kit.js';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

/**
 * Issue 10 item 7: every fault of the coordinator's environment is one line naming the path or value and
 * exit 2, never "internal error" and a stack trace. Run in-process: each fails before listening.
 */

const tmp = tempDir('startup');
afterAll(() => tmp.remove());

const config = writeYaml(join(tmp.dir, 'coordinator.yaml'), {
  listen: { host: '127.0.0.1', port: 0 },
  operators: [],
});

async function serve(...args: string[]) {
  const r = await meridian('serve', '--config', config, ...args);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r;
}

describe('meridian serve: environment faults exit 2 with the path or value', () => {
  it('a data directory under a file names the file', async () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await serve('--data-dir', join(file, 'data'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meridian: serve: --data-dir ${join(file, 'data')}: cannot be created: ${file} is a file, not a directory`,
    );
  });

  it('a data directory that is a file says so', async () => {
    const file = join(tmp.dir, 'b-file');
    writeFileSync(file, 'x');
    const r = await serve('--data-dir', file);
    expect([r.code, r.stderr]).toEqual([
      2,
      `meridian: serve: --data-dir ${file}: is an existing file, not a directory`,
    ]);
  });

  it('a data directory under /proc is refused at once, creating nothing (it used to spin a core)', async () => {
    const t0 = performance.now();
    const r = await serve('--data-dir', '/proc/meridian-test/data');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--data-dir /proc/meridian-test/data: is on /proc, a kernel file system');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(existsSync('/proc/meridian-test')).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)('an unwritable data directory names the path (EACCES)', async () => {
    const dir = join(tmp.dir, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    const r = await serve('--data-dir', join(dir, 'data'));
    chmodSync(dir, 0o700);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot be created inside ${dir} (not writable)`);
  });

  it('a corrupt database file names the file (SQLITE_NOTADB)', async () => {
    const dir = join(tmp.dir, 'corrupt');
    mkdirSync(dir);
    writeFileSync(join(dir, 'meridian.db'), 'this is not a database, '.repeat(100));
    const r = await serve('--data-dir', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meridian: ${join(dir, 'meridian.db')}: not a usable meridian database (SQLITE_NOTADB: file is not a database)`,
    );
  });

  it('a missing routing.profilesFile names the file (no such file)', async () => {
    const withProfiles = writeYaml(join(tmp.dir, 'profiles-missing.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      routing: { profilesFile: 'no-such-profiles.yaml', policy: 'fast' },
    });
    const r = await meridian('serve', '--config', withProfiles, '--data-dir', ':memory:');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meridian: ${join(tmp.dir, 'no-such-profiles.yaml')}: cannot read profiles file (no such file)`,
    );
  });

  it('a clairvoyant routing.policy (estimate.truth) exits 2 naming the field: only the simulator has a truth', async () => {
    const clairvoyant = writeYaml(join(tmp.dir, 'clairvoyant.yaml'), {
      listen: { host: '127.0.0.1', port: 0 },
      routing: { profilesFile: join(ROOT, 'examples', 'clairvoyant.yaml'), policy: 'clairvoyant' },
    });
    const r = await meridian('serve', '--config', clairvoyant, '--data-dir', ':memory:');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('routing.policy: profile "clairvoyant" sets estimate.truth');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--host 999.1.1.1 is not an address: exit 2 naming it, no lookup', async () => {
    const r = await serve('--host', '999.1.1.1', '--data-dir', ':memory:');
    expect([r.code, r.stderr]).toEqual([
      2,
      'meridian: listen host "999.1.1.1" is not an IPv4 address (four numbers 0-255)',
    ]);
  });
});

describe('endpoint allow-lists are CIDR ranges', () => {
  it('--allow-endpoints 127.0.0.1/99 exits 2 naming the value', async () => {
    const r = await serve('--allow-endpoints', '127.0.0.0/8,127.0.0.1/99', '--data-dir', ':memory:');
    expect([r.code, r.stderr]).toEqual([
      2,
      'meridian: serve: --allow-endpoints expects CIDR ranges such as 127.0.0.0/8 (got "127.0.0.1/99")',
    ]);
  });

  it('registry.allowEndpoints: [localhost] in the config exits 2 naming the file, line and field', async () => {
    const bad = writeYaml(join(tmp.dir, 'bad-allow.yaml'), { registry: { allowEndpoints: ['localhost'] } });
    const r = await meridian('serve', '--config', bad, '--data-dir', ':memory:');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `meridian: ${bad}:3: registry.allowEndpoints[0]: an IPv4 or IPv6 CIDR range such as 10.0.0.0/8 (got "localhost")`,
    );
  });
});

describe('the data directory check (one function for serve and start)', () => {
  it('creates missing levels one at a time and leaves a writable directory', () => {
    const dir = join(tmp.dir, 'x', 'y', 'z');
    ensureWritableDir('data directory', dir);
    expect(existsSync(dir)).toBe(true);
  });

  it('meridian start --data-dir FILE exits 2 naming the file before starting any process', async () => {
    const file = join(tmp.dir, 'c-file');
    writeFileSync(file, 'x');
    const r = await meridian('start', '--data-dir', file, '--no-traffic', '--duration', '1');
    expect([r.code, r.stderr]).toEqual([
      2,
      `meridian: start: --data-dir ${file}: is an existing file, not a directory`,
    ]);
  });
});
