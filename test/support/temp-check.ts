import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: the whole run gets a temporary folder of its own as TMPDIR (test files and the
 * processes they start inherit it), so that whatever a test leaves there is seen, and only its own
 * leftovers (other programs may share the system's temporary folder). At the end the run fails, naming
 * every file or folder left behind, and the folder is removed either way.
 */

export function leftovers(dir: string): string[] {
  return readdirSync(dir).sort();
}

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'meridian-test-run-'));
  process.env.TMPDIR = dir;
  return () => {
    const left = leftovers(dir);
    rmSync(dir, { recursive: true, force: true });
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0: set the exit code as well.
      process.exitCode = 1;
      throw new Error(
        `tests left ${left.length} temporary file(s)/folder(s) behind (remove them in afterAll/afterEach): ${left.join(', ')}`,
      );
    }
  };
}
