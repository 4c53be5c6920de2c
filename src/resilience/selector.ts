import { UsageError } from '../errors.js';
import type { Domain } from './member.js';

/** A conjunction of domain values: a member matches when it has every one of them. */
export type Selector = Domain[];

/**
 * Parses `dim=value[,dim=value…]` (all must match). A comma belongs to the value unless `dim=` follows it,
 * so `datacenter=16276-FR-Strasbourg` and `city=Washington, D.C.` both work.
 */
export function parseSelector(text: string): Selector {
  const parts = text.split(/,(?=[A-Za-z][A-Za-z0-9_]*=)/);
  return parts.map((part) => {
    const eq = part.indexOf('=');
    const dimension = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0 || !/^[A-Za-z][A-Za-z0-9_]*$/.test(dimension) || value === '') {
      throw new UsageError(`outage selector must be dim=value[,dim=value...] (got "${text}")`);
    }
    return { dimension, value };
  });
}

export function formatSelector(s: Selector): string {
  return s.map((d) => `${d.dimension}=${d.value}`).join(',');
}
