import { parseArgs } from 'node:util';

/** One flag of a bench: a parseArgs option, with `arg` the placeholder its usage line shows (`N`). */
export interface BenchFlag {
  type: 'string' | 'boolean';
  default?: string | boolean;
  arg?: string;
}

/** The values parseArgs gives for `flags`, typed as it types them. */
export type FlagValues<T extends Record<string, BenchFlag>> = ReturnType<
  typeof parseArgs<{ options: T }>
>['values'];

/** Where the usage and the errors go and how the process ends: the process's own unless a test says so. */
export interface ArgsIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
}

/** stdout, stderr and `process.exit`. */
export const PROCESS_IO: ArgsIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  exit: (code) => process.exit(code),
};

/** `usage: npm run <bench> -- [--nodes N (10000)] [--control] …`: every flag, with its default if any. */
export function usage(bench: string, flags: Record<string, BenchFlag>): string {
  const each = Object.entries(flags).map(([name, flag]) => {
    if (flag.type === 'boolean') return `[--${name}]`;
    const given = flag.default === undefined ? '' : ` (${flag.default})`;
    return `[--${name} ${flag.arg ?? 'N'}${given}]`;
  });
  return `usage: npm run ${bench} -- ${each.join(' ')}`;
}

/**
 * `args` parsed against `flags`: `--help`/`-h` prints the usage and exits 0; an unknown flag, a flag missing
 * its value or a stray argument prints `<bench>: <what was wrong>` and the usage on stderr, and exits 2.
 */
export function parseFlags<const T extends Record<string, BenchFlag>>(
  bench: string,
  flags: T,
  args: string[] = process.argv.slice(2),
  io: ArgsIo = PROCESS_IO,
): FlagValues<T> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args, options: { ...flags, help: { type: 'boolean', short: 'h' } } }));
  } catch (e) {
    if (!isParseError(e)) throw e;
    // Some of parseArgs' messages span lines ('argument is ambiguous.\nDid you forget …').
    io.err(`${bench}: ${e.message.replace(/\s*\n\s*/g, ' ')}\n${usage(bench, flags)}\n`);
    return io.exit(2);
  }
  if (values.help === true) {
    io.out(`${usage(bench, flags)}\n`);
    return io.exit(0);
  }
  delete values.help;
  return values as FlagValues<T>;
}

/**
 * `text`, the value of `name` (`--rate`, or an environment variable), as a finite number above 0 (whole if
 * `integer`); anything else prints `<bench>: --rate must be a positive number (got "abc")` and exits 2.
 */
export function positiveNumber(
  bench: string,
  name: string,
  text: string,
  { integer = false }: { integer?: boolean } = {},
  io: ArgsIo = PROCESS_IO,
): number {
  const x = Number(text);
  if (Number.isFinite(x) && x > 0 && (!integer || Number.isInteger(x))) return x;
  io.err(
    `${bench}: ${name} must be a positive ${integer ? 'integer' : 'number'} (got ${JSON.stringify(text)})\n`,
  );
  return io.exit(2);
}

/** An error parseArgs throws for the command line (ERR_PARSE_ARGS_*), not for its own configuration. */
function isParseError(e: unknown): e is Error {
  return e instanceof Error && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_');
}
