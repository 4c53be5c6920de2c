import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, connect as netConnect } from 'node:net';

/** The NATS server tests use: env NATS_URL, default the local one. */
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Whether something accepts TCP connections at a `nats://host:port` URL (within one second). */
export async function natsReachable(url: string): Promise<boolean> {
  const u = new URL(url.replace(/^nats:/, 'http:'));
  return new Promise((resolve) => {
    const socket = netConnect({ host: u.hostname, port: Number(u.port || 4222) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether a `nats-server` binary is on PATH (tests that stop and restart their own server need one). */
export async function natsServerInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('nats-server', ['--version'], { stdio: 'ignore' });
    p.once('error', () => resolve(false));
    p.once('exit', (code) => resolve(code === 0));
  });
}

/**
 * A `nats-server` with JetStream of the test's own (so it may be stopped and restarted without touching
 * anyone else's), on a fixed port with its store in `dir`, so a restart keeps the streams.
 */
export class OwnNatsServer {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(dir: string): Promise<OwnNatsServer> {
    const s = new OwnNatsServer(await freePort(), dir);
    await s.restart();
    return s;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and waits until it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.dir], {
      stdio: 'ignore',
    });
    this.child = child;
    for (let i = 0; i < 100 && !(await natsReachable(this.url)); i++)
      await new Promise((r) => setTimeout(r, 100));
  }

  /** Kills the server at once (SIGKILL) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }
}
