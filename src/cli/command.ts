import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Where a command writes. Tests pass their own; the binary passes the process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars, colours). */
  isTTY: boolean;
}

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** A command as listed by `meridian --help`; its code is loaded only when it runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

/**
 * One CLI command. `name` may have two words (`scenario validate`). `help` is printed by `--help`;
 * `run` returns the exit code (0 ok, 1 failure); bad usage and bad input are thrown as named errors
 * and mapped to exit code 2 in `exit.ts`.
 */
export interface Command {
  name: string;
  help: string;
  options: Options;
  /** Minimum and maximum number of positional arguments. */
  positionals?: { min: number; max: number };
  run(args: Parsed, io: Io): Promise<number>;
}

/** Parses argv for `cmd`, always accepting `--help` and `--json`. Throws UsageError on anything unknown. */
export function parseCommandArgs(cmd: Command, argv: string[]): Parsed {
  const options: Options = {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    ...cmd.options,
  };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg =
      e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e);
    throw new UsageError(`${cmd.name}: ${msg}\nRun "meridian ${cmd.name} --help" for usage.`);
  }
  const result: Parsed = { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
  if (result.values.help) return result;
  const { min, max } = cmd.positionals ?? { min: 0, max: 0 };
  if (result.positionals.length < min) {
    throw new UsageError(`${cmd.name}: missing argument\nUsage: ${firstLine(cmd.help)}`);
  }
  if (result.positionals.length > max) {
    throw new UsageError(
      `${cmd.name}: unexpected argument "${result.positionals[max]}"\nUsage: ${firstLine(cmd.help)}`,
    );
  }
  return result;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

/** A string flag's value, or undefined. */
export function str(args: Parsed, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string flag that must be present. */
export function requireStr(args: Parsed, cmd: string, name: string): string {
  const v = str(args, name);
  if (v === undefined)
    throw new UsageError(`${cmd}: --${name} is required\nRun "meridian ${cmd} --help" for usage.`);
  return v;
}

/** A numeric flag within [min, max], or the default. */
export function num(
  args: Parsed,
  cmd: string,
  name: string,
  def: number,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const v = str(args, name);
  if (v === undefined) return def;
  const n = Number(v);
  const { min = -Infinity, max = Infinity, integer = false } = range;
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    const bounds = [
      integer ? 'an integer' : 'a number',
      Number.isFinite(min) ? `≥ ${min}` : '',
      Number.isFinite(max) ? `≤ ${max}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    throw new UsageError(`${cmd}: --${name} must be ${bounds} (got "${v}")`);
  }
  return n;
}

export function flag(args: Parsed, name: string): boolean {
  return args.values[name] === true;
}
