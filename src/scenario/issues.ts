import type { PathSegment } from '../model/validate.js';

/** A problem found while resolving a scenario, located by its path inside the file. */
export interface LocatedIssue {
  path: PathSegment[];
  message: string;
  /** The offending value; absent when there is none to show. */
  value?: unknown;
}

/**
 * Collects issues so that one pass reports every problem, not just the first. Warnings are kept apart: they
 * describe a valid scenario that will not behave as its author probably meant, and never fail a load.
 */
export class IssueList {
  readonly items: LocatedIssue[] = [];
  readonly warnings: LocatedIssue[] = [];

  /** An issue without a value (e.g. something missing). */
  add(path: PathSegment[], message: string): void {
    this.items.push({ path, message });
  }

  /** An issue about the value found at `path`. */
  addValue(path: PathSegment[], message: string, value: unknown): void {
    this.items.push({ path, message, value });
  }

  /** A warning about the value at `path` (the scenario stays valid). */
  warn(path: PathSegment[], message: string, value: unknown): void {
    this.warnings.push({ path, message, value });
  }

  get size(): number {
    return this.items.length;
  }
}
