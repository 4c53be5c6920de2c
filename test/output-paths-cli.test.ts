import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meridian } from './support/cli.js';
import { ROOT } from './support/shared-data.js';

const TMP = mkdtempSync(join(tmpdir(), 'meridian-paths-'));
afterAll(() => {
  chmodSync(TMP, 0o700);
  rmSync(TMP, { recursive: true, force: true });
});

const FILE = join(TMP, 'a-file');
writeFileSync(FILE, 'not a directory\n');
const GLOBAL = join(ROOT, 'scenarios', 'global.yaml');
const CONFIG = join(ROOT, 'examples', 'coordinator.yaml');

/** The four kinds of path a directory flag must refuse, with the words the error must contain. */
const BAD_DIRS: Array<[string, string, string]> = [
  ['an existing file', FILE, 'is an existing file, not a directory'],
  ['a path under a file', join(FILE, 'sub'), `cannot be created: ${FILE} is a file, not a directory`],
  [
    'a path under /proc',
    '/proc/meridian-test/data',
    'is on /proc, a kernel file system where nothing can be stored',
  ],
];

const isRoot = process.getuid?.() === 0;

describe('directory flags refuse unusable paths with exit 2 before any work, naming the path', () => {
  for (const [what, path, message] of BAD_DIRS) {
    it(`simulate --out ${what}: exit 2 before the 600 s global.yaml run starts (nothing printed)`, async () => {
      const r = await meridian('simulate', GLOBAL, '--out', path);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`meridian: simulate: --out ${path}: ${message}`);
      expect(r.stderr).not.toContain('internal error');
    });

    it(`start --data-dir ${what}: exit 2 and no fleet started`, async () => {
      const r = await meridian('start', '--data-dir', path, '--no-traffic', '--duration', '1');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`meridian: start: --data-dir `);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain('internal error');
    });

    it(`serve --data-dir ${what}: exit 2 and nothing listens`, async () => {
      const r = await meridian('serve', '--config', CONFIG, '--port', '0', '--data-dir', path);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`meridian: serve: --data-dir ${path}: ${message}`);
    });
  }

  it.skipIf(isRoot)(
    'a directory without write permission (mode 0555) is refused for --out and --data-dir',
    async () => {
      const locked = join(TMP, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o555);
      const out = await meridian('simulate', GLOBAL, '--out', locked);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`--out ${locked}: is a directory that cannot be written to`);
      const serve = await meridian('serve', '--config', CONFIG, '--data-dir', join(locked, 'data'));
      expect(serve.code).toBe(2);
      expect(serve.stderr).toContain(`cannot be created inside ${locked} (not writable)`);
      chmodSync(locked, 0o755);
    },
  );

  it('the checks leave nothing behind in the parent directory (the write probe is removed)', async () => {
    const parent = join(TMP, 'parent');
    mkdirSync(parent);
    writeFileSync(join(parent, 'taken'), '');
    // --out passes the check (a new folder in a writable one); the missing scenario then stops the run.
    const r = await meridian('simulate', join(TMP, 'missing.yaml'), '--out', join(parent, 'new'));
    expect(r.code).toBe(2);
    expect(readdirSync(parent)).toEqual(['taken']);
  });
});
