import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temporary directory `meridian-<prefix>-…` and the function that removes it. Call `remove`
 * in `afterAll`/`afterEach` (or a `finally`): `npm test` fails on any temporary folder left behind
 * (test/support/temp-check.ts).
 */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `meridian-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
