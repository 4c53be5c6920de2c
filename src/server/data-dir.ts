import { mkdirSync, realpathSync, rmSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The data directory check, done before anything is created or opened: the path must be (or become) a
 * writable directory on a real file system. Each failure is an InputError naming the path, so the CLI
 * exits 2 with one line instead of a stack trace, and nothing spins: directories are created one level
 * at a time (a recursive mkdir under /proc retries forever on some kernels).
 */

/** Kernel file systems: nothing can be stored there. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

function fail(dir: string, message: string): never {
  throw new InputError(dir, [{ path: '', message }]);
}

function under(path: string, root: string): boolean {
  return path === root || path.startsWith(root + sep);
}

/** The path's stat, or undefined when nothing is there (also when a level above is a file). */
function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

/** Makes sure `dir` is a writable directory, creating the missing levels; InputError naming the path otherwise. */
export function ensureDataDir(dir: string): void {
  const target = resolve(dir);
  // The nearest level that exists decides: a file, a kernel file system, or a directory to create in.
  let existing = target;
  const missing: string[] = [];
  for (;;) {
    const st = statIfAny(existing);
    if (st !== undefined) {
      if (!st.isDirectory())
        fail(
          target,
          existing === target
            ? 'the data directory is a file, not a directory'
            : `the data directory is under ${existing}, which is a file, not a directory`,
        );
      break;
    }
    missing.unshift(existing);
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const real = realpathSync(existing);
  const pseudo = PSEUDO_ROOTS.find((r) => under(real, r));
  if (pseudo !== undefined)
    fail(target, `the data directory is on ${pseudo}, a kernel file system where nothing can be stored`);
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      fail(target, `cannot create ${level} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const probe = join(target, `.meridian-write-check-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    fail(
      target,
      `the data directory is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}
