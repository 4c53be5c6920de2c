import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Child processes of the `meridian` binary (coordinator, workers, agents) for the fleet, the benchmark
 * and process-boundary tests. Each child is started with `--json`; its first stdout line is the JSON it
 * prints once listening. Every child is tracked so that one call stops them all.
 */

/** The built CLI entry next to this module (dist/cli/main.js when running from dist/). */
export const DEFAULT_MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

export interface Child {
  name: string;
  proc: ChildProcess;
  /** The JSON object the child printed once listening. */
  info: Record<string, unknown>;
  /** `info.url` when present. */
  url: string;
  /** Everything the child wrote to stderr (last 64 KB). */
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the child has exited. */
  exited: Promise<number | string>;
  /** Sends `signal` (default SIGTERM), waits up to `graceMs`, then SIGKILL. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  main?: string;
  /** Options for node itself, before the script (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Time allowed until the first stdout line (default 20 s). */
  readyTimeoutMs?: number;
  /** Called with each later stdout line. */
  onLine?: (line: string) => void;
}

export class Children {
  private readonly all = new Set<Child>();

  get list(): Child[] {
    return [...this.all];
  }

  /** Starts `node main.js ...args --json` and waits for its first JSON line. */
  async spawn(name: string, args: string[], opt: SpawnOptions = {}): Promise<Child> {
    const proc = spawn(
      process.execPath,
      [...(opt.nodeArgs ?? []), opt.main ?? DEFAULT_MAIN, ...args, '--json'],
      {
        env: { ...process.env, ...opt.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    proc.stderr?.on('data', (d: Buffer) => {
      err = (err + d.toString('utf8')).slice(-65536);
    });
    const exited = new Promise<number | string>((res) => {
      proc.once('exit', (code, signal) => res(code ?? signal ?? 'unknown'));
    });
    const child: Child = {
      name,
      proc,
      info: {},
      url: '',
      stderr: () => err,
      exited,
      async stop(signal = 'SIGTERM', graceMs = 5000) {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
    this.all.add(child);
    void exited.then(() => this.all.delete(child));
    const lines = createInterface({ input: proc.stdout! });
    const first = await new Promise<string>((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`${name}: not ready after ${opt.readyTimeoutMs ?? 20_000} ms\n${err}`)),
        opt.readyTimeoutMs ?? 20_000,
      );
      lines.once('line', (l) => {
        clearTimeout(timer);
        res(l);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        rej(new Error(`${name} exited (${code}) before it was ready\n${err}`));
      });
    }).catch(async (e: unknown) => {
      await child.stop('SIGKILL');
      throw e;
    });
    try {
      child.info = JSON.parse(first) as Record<string, unknown>;
    } catch {
      await child.stop('SIGKILL');
      throw new Error(`${name}: expected a JSON line, got ${JSON.stringify(first)}\n${err}`);
    }
    const failed = (child.info as { error?: { message?: unknown } }).error;
    if (failed !== undefined) {
      await child.stop('SIGKILL');
      throw new Error(`${name}: ${String(failed.message)}`);
    }
    child.url = typeof child.info.url === 'string' ? child.info.url : '';
    if (opt.onLine) lines.on('line', opt.onLine);
    return child;
  }

  /** Stops every child still running (SIGTERM, then SIGKILL after the grace time). */
  async stopAll(graceMs = 5000): Promise<void> {
    await Promise.all(this.list.map((c) => c.stop('SIGTERM', graceMs)));
  }

  /** Kills every child at once without waiting (for process exit handlers). */
  killAllNow(): void {
    for (const c of this.all)
      if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  }
}
