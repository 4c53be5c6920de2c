import { InputError, MeridianError, NotFoundError, UsageError } from '../errors.js';

/** Exit codes: 0 ok, 1 failure, 2 bad usage or input. The only place errors become exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof InputError || error instanceof NotFoundError)
    return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The JSON shape of an error on stdout under `--json`. */
export function errorJson(error: unknown): { error: { code: string; message: string; issues?: unknown } } {
  if (error instanceof InputError) {
    return { error: { code: error.code, message: error.message, issues: error.issues } };
  }
  if (error instanceof MeridianError) return { error: { code: error.code, message: error.message } };
  return { error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } };
}

/** The text printed on stderr: the message for our own errors, the stack only for bugs. */
export function errorText(error: unknown): string {
  if (error instanceof MeridianError) return `meridian: ${error.message}`;
  if (error instanceof Error) {
    return `meridian: internal error (a bug; please report it): ${error.stack ?? error.message}`;
  }
  return `meridian: ${String(error)}`;
}
