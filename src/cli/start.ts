import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { InputError, MeridianError, UsageError } from '../errors.js';
import { Children } from '../fleet/children.js';
import { clusterConfig, clusterPrefix, natsUrls, requireNats } from '../fleet/cluster.js';
import { coordinatorLines, coordinatorRows } from '../fleet/coordinators.js';
import { type Fleet, loadFleet } from '../fleet/fleet.js';
import {
  type ExitedRow,
  lastLine,
  type ModelRow,
  type NodeRow,
  type PredictionErrorRow,
  renderSummary,
} from '../fleet/summary.js';
import { TrafficGenerator } from '../fleet/traffic.js';
import { untilStopSignal } from '../server/signals.js';
import { checkWritableDir, ensureWritableDir } from '../util/writable-dir.js';
import { type Command, flag, num, str } from './command.js';
import { EXIT_FAILURE, EXIT_OK } from './exit.js';

const NAME = 'start';

/** The ranges the local fleet's coordinator admits as node endpoints (every worker is on this machine). */
export const LOOPBACK = ['127.0.0.0/8', '::1/128'];

/** The example fleet shipped with the repository (examples/fleet/fleet.yaml beside dist/). */
export const DEFAULT_FLEET = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'examples',
  'fleet',
  'fleet.yaml',
);

const HELP = `meridian start [--fleet FILE] [--port N] [--data-dir DIR] [--rate R] [--no-traffic] [--duration S]
                      [--coordinators N] [--json]

Runs the whole thing on one machine: a coordinator with SQLite, an emulated fleet of workers spread over
distant metros, each with its node agent, and a client traffic generator. Each answer is delayed by the
geo-model round trip between the request's client metro and the worker's node (as the router predicts
it). Prints the gateway URL (usable with curl and the openai client), the dashboard URL (/ui) and a live summary: requests,
p50/p95, load per node, warm models. Ctrl-C stops every process it started.

  --fleet FILE     fleet file (default examples/fleet/fleet.yaml: 16 workers on 5 continents)
  --port N         gateway port (default: the fleet's coordinator config, 8080; 0 = any free port)
  --data-dir DIR   SQLite data and node keys (default: $TMPDIR/meridian-fleet; kept between runs)
  --rate R         client requests per second (default: the fleet file's traffic.rate)
  --no-traffic     start the fleet without the traffic generator
  --duration S     stop by itself after S seconds (default: run until Ctrl-C)
  --coordinators N N coordinators sharing one view through NATS with JetStream at NATS_URL (default
                   nats://127.0.0.1:4222; docs/nats.md) on ports --port, --port+1, …; workers register
                   with them in turn, the traffic goes to them in turn, the summary shows each (default 1:
                   one coordinator on SQLite)
  --json           print JSON lines ({"url"…} first, then one summary object per 5 s) instead of the screen`;

interface FleetOptions {
  port?: number;
  dataDir: string;
  rate?: number;
  traffic: boolean;
  durationS?: number;
  json: boolean;
  /** Coordinators (1: SQLite; more: NATS at `nats`). */
  coordinators: number;
  nats: string[];
}

export const start: Command = {
  name: NAME,
  help: HELP,
  options: {
    fleet: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    rate: { type: 'string' },
    'no-traffic': { type: 'boolean' },
    duration: { type: 'string' },
    coordinators: { type: 'string' },
  },
  async run(args, io) {
    const fleet = loadFleet(str(args, 'fleet') ?? DEFAULT_FLEET);
    const opts: FleetOptions = {
      dataDir: resolve(str(args, 'data-dir') ?? join(tmpdir(), 'meridian-fleet')),
      traffic: !flag(args, 'no-traffic'),
      json: args.values.json === true,
      coordinators: num(args, NAME, 'coordinators', 1, { min: 1, max: 16, integer: true }),
      nats: [],
      ...(str(args, 'port') === undefined
        ? {}
        : { port: num(args, NAME, 'port', 8080, { min: 0, max: 65535, integer: true }) }),
      ...(str(args, 'rate') === undefined
        ? {}
        : { rate: num(args, NAME, 'rate', 6, { min: 0, max: 10_000 }) }),
      ...(str(args, 'duration') === undefined
        ? {}
        : { durationS: num(args, NAME, 'duration', 60, { min: 1 }) }),
    };
    checkWritableDir(`${NAME}: --data-dir`, opts.dataDir);
    if (opts.coordinators > 1) {
      opts.nats = natsUrls();
      await requireNats(opts.nats, `${NAME}: --coordinators ${opts.coordinators}`);
    }
    return runFleet(fleet, opts, io);
  },
};

/** The clear operator token for each worker's operator (the fleet registers through the config's tokens). */
function tokensFor(fleet: Fleet): Map<string, string> {
  const byOperator = new Map(
    fleet.config.operators.filter((o) => o.token !== undefined).map((o) => [o.id, o.token!]),
  );
  const out = new Map<string, string>();
  for (const w of fleet.workers) {
    const op = w.node.labels.operator.value;
    const token = byOperator.get(op);
    if (token === undefined)
      throw new InputError(fleet.configFile, [
        {
          path: 'operators',
          message: `needs a clear "token" for operator ${op} (worker ${w.node.id}) to start the fleet`,
        },
      ]);
    out.set(w.node.id, token);
  }
  return out;
}

async function runFleet(
  fleet: Fleet,
  opts: FleetOptions,
  io: Parameters<Command['run']>[1],
): Promise<number> {
  const tokens = tokensFor(fleet);
  ensureWritableDir(`${NAME}: --data-dir`, opts.dataDir);
  mkdirSync(join(opts.dataDir, 'keys'), { recursive: true });
  const children = new Children();
  const killOnExit = () => children.killAllNow();
  process.once('exit', killOnExit);
  const say = (text: string) => (opts.json ? undefined : io.err(text));
  const stopped = untilStopSignal();
  let traffic: TrafficGenerator | undefined;
  let code = EXIT_OK;
  try {
    const coords = await startCoordinators(children, fleet, opts);
    const coord = coords[0]!;
    const urls = coords.map((c) => c.url);
    say(
      `${coords.length === 1 ? 'coordinator' : 'coordinators'} at ${urls.join(', ')}; starting ${fleet.workers.length} workers…`,
    );
    // Worker k registers and heartbeats with coordinator k mod N.
    const coordinatorOf = (w: (typeof fleet.workers)[number]) =>
      urls[fleet.workers.indexOf(w) % urls.length]!;
    // Start workers a few at a time: each is a Node process, and the machine may have two cores.
    for (let k = 0; k < fleet.workers.length; k += 4) {
      await Promise.all(
        fleet.workers
          .slice(k, k + 4)
          .map((w) =>
            children.spawn(`worker ${w.node.id}`, [
              'worker',
              '--emulate',
              '--profile',
              w.file,
              '--coordinator',
              coordinatorOf(w),
              '--delay-ms',
              String(w.delayMs),
              ...(w.clientRtt ? ['--client-rtt'] : []),
              '--key',
              join(opts.dataDir, 'keys', `${w.node.id}.key`),
              '--token',
              tokens.get(w.node.id)!,
            ]),
          ),
      );
    }
    // A worker that ends while the fleet runs (refused, crashed, killed) is said in the summary, with its
    // last line, instead of only going stale in the table.
    const exited: ExitedRow[] = [];
    let stopping = false;
    for (const w of children.list.filter((c) => c.name.startsWith('worker')))
      void w.exited.then((exitCode) => {
        if (!stopping) exited.push({ name: w.name, code: exitCode, said: lastLine(w.stderr()) });
      });
    const api = new Pool(coord.url, { connections: 2 });
    const get = async <T>(path: string): Promise<T> =>
      (await (await api.request({ method: 'GET', path })).body.json()) as T;
    const others = new Map(urls.slice(1).map((u) => [u, new Pool(u, { connections: 1 })]));
    const getFrom = async (url: string, path: string): Promise<unknown> =>
      (await (await (others.get(url) ?? api).request({ method: 'GET', path })).body.json()) as unknown;
    await waitRegistered(get, fleet.workers.length);
    if (opts.json)
      io.out(
        JSON.stringify({
          url: coord.url,
          dashboard: `${coord.url}/ui`,
          ...(urls.length > 1 ? { coordinators: urls } : {}),
          workers: fleet.workers.length,
          dataDir: opts.dataDir,
        }),
      );
    else
      io.out(
        `meridian fleet ready: gateway ${urls.join(', ')}, dashboard ${coord.url}/ui (${fleet.workers.length} workers, data ${opts.dataDir})`,
      );
    if (opts.traffic) {
      traffic = new TrafficGenerator(urls, {
        ...fleet.traffic,
        ...(opts.rate === undefined ? {} : { rate: opts.rate }),
      });
      traffic.begin();
    }
    const began = Date.now();
    const coordinatorDied = Promise.race(
      coords.map((c, i) =>
        c.exited.then((code) => `the coordinator${coords.length > 1 ? ` ${i + 1}` : ''} exited (${code})`),
      ),
    );
    const timeUp =
      opts.durationS === undefined
        ? new Promise<never>(() => {})
        : new Promise<string>((r) => setTimeout(() => r('duration reached'), opts.durationS! * 1000));
    let last = 0;
    const show = async (final = false) => {
      const [nodesBody, models] = await Promise.all([
        get<{ nodes: NodeRow[]; predictionError?: PredictionErrorRow }>('/v1/nodes'),
        get<{ data: ModelRow[] }>('/v1/models').then((b) => b.data),
      ]).catch(() => [{ nodes: [] }, []] as [{ nodes: NodeRow[] }, ModelRow[]]);
      const nodes = nodesBody.nodes;
      const snap = traffic?.snapshot(30_000);
      const perCoordinator =
        urls.length === 1 ? undefined : await coordinatorRows(urls, (u, path) => getFrom(u, path), snap);
      if (opts.json) {
        if (!final && Date.now() - last < 5000) return;
        last = Date.now();
        io.out(
          JSON.stringify({
            ...(summaryJson(coord.url, (Date.now() - began) / 1000, snap, nodes, models, final) as object),
            ...(exited.length > 0 ? { exited } : {}),
            ...(perCoordinator === undefined ? {} : { coordinators: perCoordinator }),
          }),
        );
        return;
      }
      const lines = renderSummary({
        url: coord.url,
        uptimeS: (Date.now() - began) / 1000,
        windowS: 30,
        traffic: snap,
        nodes,
        models,
        exited,
        ...('predictionError' in nodesBody && nodesBody.predictionError !== undefined
          ? { predictionError: nodesBody.predictionError }
          : {}),
      });
      if (perCoordinator !== undefined) lines.push('', ...coordinatorLines(perCoordinator));
      if (io.isTTY && !final) io.out(`\x1b[H\x1b[2J${lines.join('\n')}`);
      else if (final || Date.now() - last >= 10_000) {
        last = Date.now();
        io.out(lines.join('\n'));
      }
    };
    let ticker: NodeJS.Timeout | undefined;
    const loop = new Promise<never>(() => {
      ticker = setInterval(() => void show(), 1000);
    });
    const reason = await Promise.race([stopped, coordinatorDied, timeUp, loop]);
    clearInterval(ticker);
    stopping = true;
    if (reason.startsWith('the coordinator')) {
      io.err(`meridian: ${reason}\n${coords.map((c) => c.stderr()).join('')}`);
      code = EXIT_FAILURE;
    }
    await traffic?.end();
    if (code === EXIT_OK) await show(true);
    traffic = undefined;
    await api.close();
    await Promise.all([...others.values()].map((p) => p.close()));
    say(`stopping ${children.list.length} processes (${reason})…`);
  } catch (e) {
    // A child that failed to start already printed why (its stderr is in the message): no stack trace.
    if (e instanceof MeridianError) throw e;
    throw new MeridianError(
      'fleet_failed',
      `the fleet could not start: ${e instanceof Error ? e.message : String(e)}`,
    );
  } finally {
    await traffic?.end();
    const workers = children.list.filter((c) => c.name.startsWith('worker'));
    await Promise.all(workers.map((w) => w.stop('SIGTERM', 3000)));
    await children.stopAll(3000);
    process.off('exit', killOnExit);
  }
  return code;
}

/**
 * The fleet's coordinators: one on SQLite under the data directory, or `opts.coordinators` sharing NATS
 * (a prefix of the data directory's own, the config with a shared secret: fleet/cluster.ts), listening on
 * consecutive ports from `--port` (or the config's; 0: each on any free port).
 */
async function startCoordinators(children: Children, fleet: Fleet, opts: FleetOptions) {
  const n = opts.coordinators;
  const port = opts.port ?? fleet.config.listen.port;
  if (n > 1 && port !== 0 && port + n - 1 > 65535)
    throw new UsageError(
      `${NAME}: --coordinators ${n} from port ${port} needs ports up to ${port + n - 1}, above 65535`,
    );
  const config = n === 1 ? fleet.configFile : clusterConfig(fleet.configFile, opts.dataDir);
  const cluster =
    n === 1 ? [] : ['--nats', opts.nats.join(','), '--nats-prefix', clusterPrefix(opts.dataDir)];
  const out = [];
  // One after the other: the first creates the NATS buckets the others then find.
  for (let i = 0; i < n; i++)
    out.push(
      await children.spawn(n === 1 ? 'coordinator' : `coordinator ${i + 1}`, [
        'serve',
        '--config',
        config,
        '--data-dir',
        join(opts.dataDir, n === 1 ? 'data' : `data-${i + 1}`),
        // The fleet's workers listen on this machine: their loopback endpoints are admitted.
        '--allow-endpoints',
        LOOPBACK.join(','),
        ...(opts.port === undefined && n === 1 ? [] : ['--port', String(port === 0 ? 0 : port + i)]),
        ...cluster,
      ]),
    );
  return out;
}

async function waitRegistered(get: <T>(path: string) => Promise<T>, expected: number): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const body = await get<{ nodes: { health: string }[] }>('/v1/nodes').catch(() => ({ nodes: [] }));
    if (body.nodes.filter((n) => n.health === 'fresh').length >= expected) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function summaryJson(
  url: string,
  uptimeS: number,
  t: ReturnType<TrafficGenerator['snapshot']> | undefined,
  nodes: NodeRow[],
  models: ModelRow[],
  final: boolean,
): unknown {
  return {
    url,
    final,
    uptime_s: Math.round(uptimeS),
    requests:
      t === undefined
        ? null
        : {
            sent: t.sent,
            ok: t.ok,
            failed: t.failed,
            in_flight: t.inFlight,
            rps_30s: Math.round(t.rps * 10) / 10,
            p50_ms: Math.round(t.p50),
            p95_ms: Math.round(t.p95),
          },
    nodes: nodes.map((n) => ({
      id: n.id,
      metro: n.metro,
      health: n.health,
      breaker: n.breaker,
      load: n.telemetry?.inFlight ?? null,
      queue: n.telemetry?.queue ?? null,
      served_30s: t?.byNode.get(n.id) ?? 0,
      warm: (n.telemetry?.models ?? []).filter((m) => m.state === 'warm').map((m) => m.id),
    })),
    models: models.map((m) => ({ id: m.id, warm: m.warm_replicas, loading: m.loading_replicas })),
  };
}
