import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { type CommandEntry, type Io, parseCommandArgs } from './command.js';
import { COMMANDS } from './commands.js';
import { EXIT_OK, EXIT_USAGE, errorJson, errorText, exitCodeFor } from './exit.js';

function topHelp(commands: CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'meridian: coordination plane for decentralized AI inference networks',
    '',
    'Usage: meridian <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help (or: meridian help <command>), and --json for machine-readable output.',
    'meridian --version prints the version.',
    'Exit codes: 0 ok, 1 failure, 2 bad usage or input.',
  ].join('\n');
}

/** Finds the command named by the first one or two words of argv. */
function resolve(
  argv: string[],
  commands: CommandEntry[],
): { cmd: CommandEntry; rest: string[] } | undefined {
  const two = `${argv[0]} ${argv[1]}`;
  const byTwo = commands.find((c) => c.name === two);
  if (byTwo) return { cmd: byTwo, rest: argv.slice(2) };
  const byOne = commands.find((c) => c.name === argv[0]);
  if (byOne) return { cmd: byOne, rest: argv.slice(1) };
  return undefined;
}

/** The version in package.json (beside src/ and dist/). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI in-process and returns the exit code; never throws. */
export async function runCli(argv: string[], io: Io, commands: CommandEntry[] = COMMANDS): Promise<number> {
  const json = argv.includes('--json');
  try {
    if (argv[0] === '--version' || argv[0] === '-v') {
      io.out(json ? JSON.stringify({ version: version() }) : `meridian ${version()}`);
      return EXIT_OK;
    }
    // `meridian help CMD` is `meridian CMD --help`.
    if (argv[0] === 'help' && argv.length > 1)
      return await runCli([...argv.slice(1), '--help'], io, commands);
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.out(topHelp(commands));
      return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
    }
    const found = resolve(argv, commands);
    if (!found) {
      const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
      if (group.length > 0 && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h')) {
        io.out(topHelp(group));
        return argv.length === 1 ? EXIT_USAGE : EXIT_OK;
      }
      const what = group.length > 0 ? `${argv[0]} ${argv[1] ?? ''}`.trim() : argv[0];
      throw new UsageError(`unknown command "${what}"\nRun "meridian --help" for the list of commands.`);
    }
    const cmd = await found.cmd.load();
    const args = parseCommandArgs(cmd, found.rest);
    if (args.values.help) {
      io.out(cmd.help);
      return EXIT_OK;
    }
    return await cmd.run(args, io);
  } catch (error) {
    if (json) io.out(JSON.stringify(errorJson(error)));
    io.err(errorText(error));
    return exitCodeFor(error);
  }
}
