import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/shared-data.js';

/**
 * `npm run bench:gateway-checks` measures the hardening's per-request checks by building a copy of the
 * tree with `bench/gateway-checks-off.patch` applied. A change to those files that the patch no longer
 * fits is caught here, not when someone next runs the bench.
 */
describe('bench/gateway-checks-off.patch', () => {
  it('still applies to src/ and touches only the coordinator files it names', () => {
    const patch = join(ROOT, 'bench', 'gateway-checks-off.patch');
    const files = [...readFileSync(patch, 'utf8').matchAll(/^\+\+\+ b\/(\S+)$/gm)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toMatch(/^src\/server\/[a-z-]+\.ts$/);
    const dir = mkdtempSync(join(tmpdir(), 'meridian-patch-'));
    try {
      cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
      const r = spawnSync('git', ['apply', '--check', patch], { cwd: dir, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
