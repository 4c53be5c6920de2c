import { UsageError } from '../errors.js';
import { clusterOf, loadConfig } from '../server/config.js';
import type { Coordinator } from '../server/coordinator.js';
import { parseCidr } from '../server/endpoint-rules.js';
import { startServer } from '../server/serve.js';
import { untilStopSignal } from '../server/signals.js';
import { uiRoutes } from '../ui/routes.js';
import type { UiTrust } from '../ui/snapshot.js';
import { checkWritableDir } from '../util/writable-dir.js';
import { type Command, num, requireStr, str } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'serve';

const HELP = `meridian serve --config FILE [--port N] [--host ADDR] [--data-dir DIR] [--allow-endpoints CIDR,…]
                      [--warmset on|off] [--nats URL,… [--nats-prefix NAME]] [--json]

Runs the coordinator: node registry (operator tokens, Ed25519 node keys, signed heartbeats), telemetry,
POST /v1/route, the OpenAI-compatible gateway (/v1/chat/completions, /v1/completions, /v1/models) with
independent failover, hedging and circuit breakers, GET /v1/receipts/:id, /metrics, /healthz, and the
live dashboard at /ui (map, concentration, what-if, warm models).
Registry, tokens and receipts live in SQLite under the data directory, or with --nats (config
\`cluster\`) in NATS JetStream, shared with every coordinator on the same servers and prefix: each one
routes on the same live view (docs/nats.md). Stops on Ctrl-C (SIGINT) or SIGTERM.

  --config FILE    YAML configuration (see docs/coordinator.md and examples/coordinator.yaml)
  --port N         overrides listen.port (0 = any free port)
  --host ADDR      overrides listen.host
  --data-dir DIR   overrides dataDir (":memory:" keeps nothing)
  --allow-endpoints CIDR,…  adds to registry.allowEndpoints: node endpoints in these ranges are admitted
                   although loopback/private (e.g. 127.0.0.0/8,::1/128 for nodes on this machine)
  --warmset on|off overrides warmset.enabled: the controller that loads and unloads models on nodes
                   ahead of forecast demand (docs/warmset.md; GET /v1/warmset/actions lists its commands)
  --nats URL,…     NATS servers (nats://host:port); sets cluster.nats. The config must set \`secret\`.
  --nats-prefix NAME  sets cluster.prefix (default meridian): coordinators with one prefix share a view
  --json           print {"url", "dashboard", "dataDir" (or "nats" and "prefix"), "nodes"} once listening`;

export const serve: Command = {
  name: NAME,
  help: HELP,
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'data-dir': { type: 'string' },
    'allow-endpoints': { type: 'string' },
    warmset: { type: 'string' },
    nats: { type: 'string' },
    'nats-prefix': { type: 'string' },
  },
  async run(args, io) {
    const config = loadConfig(requireStr(args, NAME, 'config'));
    if (str(args, 'port') !== undefined)
      config.listen.port = num(args, NAME, 'port', 0, { min: 0, max: 65535, integer: true });
    const host = str(args, 'host');
    if (host !== undefined) {
      if (host.trim() === '') throw new UsageError(`${NAME}: --host must not be empty`);
      config.listen.host = host;
    }
    const dataDir = str(args, 'data-dir');
    if (dataDir !== undefined) config.dataDir = dataDir;
    const allow = str(args, 'allow-endpoints');
    if (allow !== undefined) {
      const ranges = allow.split(',').map((r) => r.trim());
      const bad = ranges.find((r) => parseCidr(r) === undefined);
      if (bad !== undefined)
        throw new UsageError(
          `${NAME}: --allow-endpoints expects CIDR ranges such as 127.0.0.0/8 (got "${bad}")`,
        );
      config.registry.allowEndpoints.push(...ranges);
    }
    const warmset = str(args, 'warmset');
    if (warmset !== undefined) {
      if (warmset !== 'on' && warmset !== 'off')
        throw new UsageError(`${NAME}: --warmset expects on or off (got "${warmset}")`);
      config.warmset.enabled = warmset === 'on';
    }
    const nats = str(args, 'nats');
    const prefix = str(args, 'nats-prefix');
    if (nats !== undefined || prefix !== undefined) {
      const urls = nats?.split(',').map((u) => u.trim()) ?? config.cluster?.nats;
      if (urls === undefined)
        throw new UsageError(`${NAME}: --nats-prefix needs --nats (or cluster.nats in the config)`);
      const given = clusterOf(urls, prefix ?? config.cluster?.prefix);
      config.cluster = { ...(config.cluster ?? given), nats: given.nats, prefix: given.prefix };
    }
    if (config.cluster === undefined && config.dataDir !== ':memory:')
      checkWritableDir(
        dataDir === undefined ? `${NAME}: dataDir of the config,` : `${NAME}: --data-dir`,
        config.dataDir,
      );
    const server = await startServer(config, [(app, c) => uiRoutes(app, c, trustSource(c))]);
    const nodes = server.coordinator.registry.all().length;
    if (args.values.json === true)
      io.out(
        JSON.stringify({
          url: server.url,
          dashboard: `${server.url}/ui`,
          ...(config.cluster === undefined
            ? { dataDir: config.dataDir }
            : { nats: config.cluster.nats, prefix: config.cluster.prefix }),
          nodes,
        }),
      );
    else
      io.out(
        `meridian coordinator listening on ${server.url} (${config.cluster === undefined ? `data ${config.dataDir}` : `NATS ${config.cluster.nats.join(',')}, prefix ${config.cluster.prefix}`}, ${nodes} registered nodes); dashboard ${server.url}/ui`,
      );
    const signal = await untilStopSignal();
    await server.stop();
    if (args.values.json !== true) io.err(`meridian: coordinator stopped (${signal})`);
    return EXIT_OK;
  },
};

/** The dashboard's trust source: the coordinator's live trust marks (none when `gateway.trust` is off). */
function trustSource(c: Coordinator): { trustOf?: (id: string) => UiTrust } {
  const trust = c.trust;
  return trust === undefined ? {} : { trustOf: (id) => trust.mark(id) };
}
