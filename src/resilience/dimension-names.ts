import { UsageError } from '../errors.js';

/**
 * Every name in `given` must be one of `valid`; otherwise a UsageError that lists the valid names, so a
 * typo (`--dims provder`) is an error instead of a dimension nobody has, reported as fully decentralized.
 * `what` says where the names came from (`analyze: --dims`).
 */
export function checkDimensionNames(what: string, given: readonly string[], valid: readonly string[]): void {
  const unknown = given.filter((d) => !valid.includes(d));
  if (unknown.length === 0) return;
  const names = unknown.map((d) => `"${d}"`).join(', ');
  const list = valid.length === 0 ? 'none' : valid.join(', ');
  throw new UsageError(
    `${what}: unknown dimension${unknown.length > 1 ? 's' : ''} ${names} (dimensions: ${list})`,
  );
}
