/**
 * Named errors. Every error a user can cause is one of these, with a stable `code`.
 * Exit codes (CLI) and HTTP statuses (server) are derived from the class in exactly one place each:
 * `src/cli/exit.ts` and the server's error handler.
 */

export class MeridianError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The command line itself is wrong: unknown command, missing or malformed flag. */
export class UsageError extends MeridianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}

/** One problem inside an input document, located by a path such as `network.nodes[12].location.lat`. */
export interface InputIssue {
  /** Path inside the document; empty for the document as a whole. */
  path: string;
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
  /** Line (1-based) in the source file, when known. */
  line?: number;
}

/** A file or request body does not satisfy its schema or references something that does not exist. */
export class InputError extends MeridianError {
  readonly source: string;
  readonly issues: InputIssue[];
  constructor(source: string, issues: InputIssue[], options?: { cause?: unknown }) {
    super('invalid_input', formatIssues(source, issues), options);
    this.source = source;
    this.issues = issues;
  }
}

/** A referenced thing (model, node, scenario) does not exist. */
export class NotFoundError extends MeridianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
  }
}

/**
 * A file the user named cannot be read: missing, a directory, or not readable. Every loader of a user file
 * (scenario, server config, profiles, worker profile, fleet, node file) throws this one class.
 */
export class UnreadableFileError extends NotFoundError {
  readonly file: string;
  constructor(file: string, what: string, options?: { cause?: unknown }) {
    super(`${file}: cannot read ${what} (${unreadableReason(options?.cause)})`, options);
    this.file = file;
  }
}

function unreadableReason(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (cause instanceof Error ? cause.message : String(cause));
}

export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssue(source: string, issue: InputIssue): string {
  const where = issue.line !== undefined ? `${source}:${issue.line}` : source;
  const got = 'value' in issue ? ` (got ${formatValue(issue.value)})` : '';
  const path = issue.path === '' ? '' : ` ${issue.path}:`;
  return `${where}:${path} ${issue.message}${got}`;
}

export function formatIssues(source: string, issues: InputIssue[]): string {
  if (issues.length === 0) return `${source}: invalid`;
  return issues.map((i) => formatIssue(source, i)).join('\n');
}
