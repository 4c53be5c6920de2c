import type { PathSegment } from '../model/validate.js';

/** A problem found while resolving a scenario, located by its path inside the file. */
export interface LocatedIssue {
  path: PathSegment[];
  message: string;
  /** The offending value; absent when there is none to show. */
  value?: unknown;
}

/** Collects issues so that one pass reports every problem, not just the first. */
export class IssueList {
  readonly items: LocatedIssue[] = [];

  /** An issue without a value (e.g. something missing). */
  add(path: PathSegment[], message: string): void {
    this.items.push({ path, message });
  }

  /** An issue about the value found at `path`. */
  addValue(path: PathSegment[], message: string, value: unknown): void {
    this.items.push({ path, message, value });
  }

  get size(): number {
    return this.items.length;
  }
}
