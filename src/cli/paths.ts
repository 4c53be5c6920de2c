import { mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** The path itself, or its nearest ancestor that exists, with what is there. */
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

/** Whether a directory accepts new entries: creates and removes an empty probe directory in it. */
function acceptsEntries(dir: string): boolean {
  try {
    rmdirSync(mkdtempSync(join(dir, '.meridian-probe-')));
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks, before a command does any work, that `path` is a directory it can write into or can create:
 * an existing writable directory, or a missing one whose nearest existing ancestor is a writable
 * directory. Otherwise a UsageError starting with `label` (`simulate: --out`) and naming the path (exit 2). Leaves nothing behind: the
 * write test creates and removes an empty probe directory. Writability is tested by writing, not by
 * permission bits, so it also holds for root and for file systems such as /proc.
 */
export function checkWritableDir(label: string, path: string): void {
  const why = unusableBecause(resolve(path));
  if (why !== undefined) throw new UsageError(`${label} ${path}: ${why}`);
}

/** Why a directory cannot be written to or created at `abs`, or undefined when it can. */
function unusableBecause(abs: string): string | undefined {
  let found: { at: string; isDirectory: boolean };
  try {
    found = nearestExisting(abs);
  } catch (e) {
    return `cannot be used (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  const { at, isDirectory } = found;
  if (!isDirectory) {
    return at === abs
      ? 'is an existing file, not a directory'
      : `cannot be created: ${at} is a file, not a directory`;
  }
  if (acceptsEntries(at)) return undefined;
  return at === abs
    ? 'is a directory that cannot be written to'
    : `cannot be created inside ${at} (not writable)`;
}
