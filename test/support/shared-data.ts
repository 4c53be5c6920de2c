import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder holding package.json). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The measured data folder `../shared/data` beside the project (override with MERIDIAN_SHARED_DATA),
 * or undefined when it is absent; tests that need it skip with a printed reason.
 */
export function sharedDataDir(): string | undefined {
  const dir = process.env.MERIDIAN_SHARED_DATA ?? join(ROOT, '..', 'shared', 'data');
  return existsSync(dir) ? dir : undefined;
}

/** A file in the shared data folder, or undefined (with the reason printed once) when it is missing. */
export function sharedFile(relative: string): string | undefined {
  const dir = sharedDataDir();
  const file = dir === undefined ? undefined : join(dir, relative);
  if (file === undefined || !existsSync(file)) {
    console.warn(
      `skipping: measured data ${relative} not found (expected under ../shared/data beside the project)`,
    );
    return undefined;
  }
  return file;
}
