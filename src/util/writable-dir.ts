import { mkdirSync, mkdtempSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * The one check of a directory a command will write into (`simulate --out`, the coordinator's data
 * directory): done before any work, it must be an existing writable directory, or a missing one whose
 * nearest existing ancestor is a writable directory on a real file system. Writability is tested by
 * writing (an empty probe directory, removed at once), not by permission bits, so it holds for root too.
 * Kernel file systems (/proc, /sys, /dev) are refused before anything is tried there: a recursive mkdir
 * under /proc retries forever on some kernels.
 */

const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** The path itself, or its nearest ancestor that exists, with whether it is a directory. */
function nearestExisting(path: string): { at: string; isDirectory: boolean } {
  let at = path;
  for (;;) {
    try {
      return { at, isDirectory: statSync(at).isDirectory() };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const up = dirname(at);
      // ENOTDIR: a component on the way is a file; keep climbing to find it.
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === at) throw e;
      at = up;
    }
  }
}

function acceptsEntries(dir: string): boolean {
  try {
    rmdirSync(mkdtempSync(join(dir, '.meridian-probe-')));
    return true;
  } catch {
    return false;
  }
}

/** Why a directory cannot be written to or created at `path`, or undefined when it can. */
export function unwritableDirReason(path: string): string | undefined {
  const abs = resolve(path);
  let found: { at: string; isDirectory: boolean };
  try {
    found = nearestExisting(abs);
  } catch (e) {
    return `cannot be used (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  const { at, isDirectory } = found;
  if (!isDirectory)
    return at === abs
      ? 'is an existing file, not a directory'
      : `cannot be created: ${at} is a file, not a directory`;
  const real = realpathSync(at);
  const pseudo = PSEUDO_ROOTS.find((r) => real === r || real.startsWith(r + sep));
  if (pseudo !== undefined) return `is on ${pseudo}, a kernel file system where nothing can be stored`;
  if (acceptsEntries(at)) return undefined;
  return at === abs
    ? 'is a directory that cannot be written to'
    : `cannot be created inside ${at} (not writable)`;
}

/** UsageError `${label} ${path}: why` (exit 2) unless `path` can be written to or created. */
export function checkWritableDir(label: string, path: string): void {
  const why = unwritableDirReason(path);
  if (why !== undefined) throw new UsageError(`${label} ${path}: ${why}`);
}

/** Checks like `checkWritableDir`, then creates the missing levels one at a time. */
export function ensureWritableDir(label: string, path: string): void {
  checkWritableDir(label, path);
  const abs = resolve(path);
  const missing: string[] = [];
  for (let at = abs; ; at = dirname(at)) {
    try {
      statSync(at);
      break;
    } catch {
      missing.unshift(at);
      if (dirname(at) === at) break;
    }
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (e) {
      throw new UsageError(
        `${label} ${path}: cannot create ${level} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      );
    }
  }
}
