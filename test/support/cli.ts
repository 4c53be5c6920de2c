import { runCli } from '../../src/cli/run.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `meridian …` in-process, exactly as the binary dispatches it, capturing what it prints. */
export async function meridian(...args: string[]): Promise<CliOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
