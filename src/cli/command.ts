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
    parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      allowPositionals: true,
      strict: true,
    });
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
    const extra = result.positionals[max]!;
    throw new UsageError(
      `${cmd.name}: unexpected argument "${extra}"${fileFlagHint(cmd, result, extra)}\nUsage: ${firstLine(cmd.help)}`,
    );
  }
  return result;
}

/** Flags that name the file a command works on, in the order a hint suggests them. */
const FILE_FLAGS = ['scenario', 'network'] as const;

/**
 * " (did you mean --scenario FILE?)" when a command that takes its file by flag got it as a bare
 * argument (as `simulate` takes it) and that flag is not given; else "".
 */
function fileFlagHint(cmd: Command, parsed: Parsed, arg: string): string {
  const flag = FILE_FLAGS.find((f) => f in cmd.options && parsed.values[f] === undefined);
  return flag === undefined || arg.startsWith('-') ? '' : ` (did you mean --${flag} ${arg}?)`;
}

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--top -3` as `--top=-3`: a string flag followed by a negative number takes it as its value, so that the
 * flag's own check can say what is wrong with it (parseArgs alone would call the value ambiguous).
 */
export function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (
      name !== undefined &&
      options[name]?.type === 'string' &&
      next !== undefined &&
      NEGATIVE_NUMBER.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
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

/** A flag holding an http(s) URL, or undefined when absent; a UsageError naming the flag and value otherwise. */
export function httpUrl(args: Parsed, cmd: string, name: string): string | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  let scheme = '';
  try {
    scheme = new URL(v).protocol;
  } catch {}
  if (scheme !== 'http:' && scheme !== 'https:')
    throw new UsageError(`${cmd}: --${name} must be an http(s) URL (got "${v}")`);
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
    throw new UsageError(
      `${cmd}: --${name} ${v}: ${valueProblem(v, n, min, integer)}; expected ${expected(min, max, integer)}`,
    );
  }
  return n;
}

function expected(min: number, max: number, integer: boolean): string {
  const kind = integer ? 'an integer' : 'a number';
  if (Number.isFinite(min) && Number.isFinite(max)) return `${kind} from ${min} to ${max}`;
  if (Number.isFinite(min)) return `${kind} ≥ ${min}`;
  if (Number.isFinite(max)) return `${kind} ≤ ${max}`;
  return kind;
}

function valueProblem(text: string, n: number, min: number, integer: boolean): string {
  if (text.trim() === '' || !Number.isFinite(n)) return 'not a number';
  if (n < 0 && min >= 0) return 'negative';
  if (integer && !Number.isInteger(n)) return 'not a whole number';
  return 'out of range';
}

export function flag(args: Parsed, name: string): boolean {
  return args.values[name] === true;
}
