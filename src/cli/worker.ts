import type { AddressInfo } from 'node:net';
import { Agent } from '../agent/agent.js';
import { loadOrCreateIdentity } from '../agent/keys.js';
import { UsageError } from '../errors.js';
import { parseOrThrow } from '../model/validate.js';
import { listenError } from '../server/serve.js';
import { untilStopSignal } from '../server/signals.js';
import { generateIdentity } from '../wire/identity.js';
import { Descriptor, withDatasets } from '../wire/protocol.js';
import { buildWorkerApp } from '../worker/app.js';
import { type EmulatedDataset, parseDatasetSpec, syntheticDataset } from '../worker/datasets.js';
import { farPlace, isLie, LIES, RATED_LIES } from '../worker/lies.js';
import { loadProfile } from '../worker/profile.js';
import { agentStatusLine, attestationOption, refusalMessage, tokenSource } from './agent.js';
import { type Command, flag, httpUrl, num, requireStr, str } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'worker';

const HELP = `meridian worker --emulate --profile FILE [--port N] [--host ADDR] [--delay-ms N] [--client-rtt] [--coordinator URL [--token T] [--key FILE] [--attestation FILE]] [--dataset ID:SIZE_GB[:VERSION] ...] [--lie KIND [--lie-rate R]] [--json]

Runs an emulated OpenAI-compatible inference server for demos and tests: model load times, accelerator
memory with LRU eviction, slots and a queue, tokens streamed at the profile's rate, an optional network
delay standing for distance, and the discovery endpoints of vLLM, Ollama or llama.cpp (profile "flavor").

With --coordinator the worker also runs the node agent in the same process, pointed at its own URL
through the same HTTP discovery a real backend gets (one process per node instead of two), and answers
the coordinator's proof of control (GET /meridian/proof, a nonce signed with the node key).

  --emulate          required: this command only emulates (run "meridian agent" beside a real server)
  --profile FILE     worker profile YAML (examples/fleet/workers/*.yaml; docs/coordinator.md)
  --port N           listen port (default 0: any free port); --host ADDR (default 127.0.0.1)
  --delay-ms N       overrides the profile's networkDelayMs
  --client-rtt       delay each request by the RTT model's round trip between its client (the location the
                     gateway forwards in x-meridian-client-metro / x-meridian-client) and the profile's
                     node location; requests naming no client get networkDelayMs
  --coordinator URL  register and heartbeat with this coordinator (needs the profile's "node"); outages are
                     retried, but a refusal no retry can change (a wrong --token: 401) ends the worker
                     with exit code 2, as it ends "meridian agent"
  --token T          operator token (default: environment variable MERIDIAN_TOKEN)
  --key FILE         node key file, created when missing (default: a fresh key each start)
  --heartbeat-ms N   heartbeat interval (default: what the coordinator asks for)
  --attestation FILE an AWS Nitro attestation document (CBOR bytes) binding the node key (--key), presented
                     at registration and sent again in an update whenever the file changes
  --dataset ID:SIZE_GB[:VERSION]
                     hold a synthetic dataset (repeatable, added to the profile's "datasets"; the
                     node gets role "data"): content generated from the id and version, 256 KiB per
                     declared GB, under a Merkle root the node registers; the worker answers the
                     coordinator's challenges for its chunks (GET /meridian/dataset-proof)
  --lie KIND         lie about itself, for testing the coordinator's checks: warm (reports every model
                     loaded, pays the load on first use), queue (reports no request running or waiting),
                     location (registers at the metro nearest its antipode, delays unchanged), output
                     (returns wrong text), data (answers dataset challenges with a wrong chunk), speed
                     (registers its profile's hardware while it runs 8 times slower)
  --lie-rate R       share of its answers a warm, queue, output or data liar lies on, 0 to 1 (default 1;
                     answer k lies when floor((k+1)R) > floor(kR), so evenly spread); location and speed
                     lies hold for the worker's life and take no rate
  --json             print {"url", "node"} once listening`;

export const worker: Command = {
  name: NAME,
  help: HELP,
  options: {
    emulate: { type: 'boolean' },
    profile: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'delay-ms': { type: 'string' },
    'client-rtt': { type: 'boolean' },
    coordinator: { type: 'string' },
    token: { type: 'string' },
    key: { type: 'string' },
    'heartbeat-ms': { type: 'string' },
    lie: { type: 'string' },
    'lie-rate': { type: 'string' },
    attestation: { type: 'string' },
    dataset: { type: 'string', multiple: true },
  },
  async run(args, io) {
    if (!flag(args, 'emulate'))
      throw new UsageError(`${NAME}: only --emulate is supported; beside a real server run "meridian agent"`);
    const file = requireStr(args, NAME, 'profile');
    const profile = loadProfile(file);
    if (str(args, 'delay-ms') !== undefined)
      profile.networkDelayMs = num(args, NAME, 'delay-ms', 0, { min: 0, max: 60_000 });
    const port = num(args, NAME, 'port', 0, { min: 0, max: 65535, integer: true });
    const coordinator = httpUrl(args, NAME, 'coordinator');
    const clientRtt = flag(args, 'client-rtt');
    const node =
      (coordinator === undefined && !clientRtt) || profile.node === undefined
        ? undefined
        : parseOrThrow(Descriptor, profile.node, `${file}: node`);
    if (coordinator !== undefined && node === undefined)
      throw new UsageError(`${NAME}: --coordinator needs a "node" section in the profile ${file}`);
    if (clientRtt && node === undefined)
      throw new UsageError(
        `${NAME}: --client-rtt needs a "node" section (its location) in the profile ${file}`,
      );
    const lie = str(args, 'lie');
    if (lie !== undefined && !isLie(lie))
      throw new UsageError(`${NAME}: --lie must be one of ${LIES.join(', ')} (got ${JSON.stringify(lie)})`);
    const lieRate = num(args, NAME, 'lie-rate', 1, { min: 0, max: 1 });
    if (str(args, 'lie-rate') !== undefined && (lie === undefined || !RATED_LIES.includes(lie)))
      throw new UsageError(
        `${NAME}: --lie-rate applies to --lie ${RATED_LIES.join(', ')} (got ${lie === undefined ? 'no --lie' : `--lie ${lie}`})`,
      );
    const token = str(args, 'token') ?? process.env.MERIDIAN_TOKEN;
    if (coordinator !== undefined && token === undefined)
      throw new UsageError(`${NAME}: --coordinator needs --token or the MERIDIAN_TOKEN environment variable`);
    const heartbeatMs =
      str(args, 'heartbeat-ms') === undefined
        ? undefined
        : num(args, NAME, 'heartbeat-ms', 1000, { min: 10, integer: true });

    const attestation = attestationOption(args, NAME);
    const datasets = datasetsOf([
      ...profile.datasets,
      ...((args.values.dataset as string[] | undefined) ?? []),
    ]);
    if (datasets.length > 0 && coordinator === undefined)
      throw new UsageError(
        `${NAME}: --dataset needs --coordinator (the datasets are registered and proven there)`,
      );

    const keyFile = str(args, 'key');
    if (attestation !== undefined && (coordinator === undefined || keyFile === undefined))
      throw new UsageError(
        `${NAME}: --attestation needs --coordinator and --key FILE (the document must bind that key)`,
      );
    const key =
      coordinator === undefined
        ? undefined
        : keyFile === undefined
          ? generateIdentity()
          : loadOrCreateIdentity(keyFile);
    const w = buildWorkerApp(profile, Date.now, {
      ...(clientRtt && node ? { clientRttFrom: node.location } : {}),
      ...(key === undefined ? {} : { key }),
      ...(lie === undefined ? {} : { lie, lieRate }),
      ...(datasets.length === 0 ? {} : { datasets }),
    });
    const host = str(args, 'host') ?? '127.0.0.1';
    await w.app.listen({ host, port }).catch((e: unknown) => {
      throw listenError(e, host, port);
    });
    const addr = w.app.server.address() as AddressInfo;
    const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
    let agent: Agent | undefined;
    try {
      agent = agentFor();
    } catch (e) {
      // Nothing may keep the process alive after a failure: the server is already listening.
      await w.app.close();
      throw e;
    }
    function agentFor(): Agent | undefined {
      if (coordinator === undefined || node === undefined || token === undefined || key === undefined)
        return undefined;
      return new Agent({
        coordinator,
        backend: url,
        kind: profile.flavor,
        token,
        addedRttMs: profile.networkDelayMs * profile.timeScale,
        node: withDatasets(
          lie === 'location' ? { ...node, location: farPlace(node.location) } : node,
          datasets.map((d) => d.held),
        ),
        key,
        ...(heartbeatMs === undefined ? {} : { intervalMs: heartbeatMs }),
        ...(attestation === undefined ? {} : { attestation }),
        onStatus: (s) => io.err(agentStatusLine(s)),
      });
    }
    if (args.values.json === true) io.out(JSON.stringify({ url, node: node?.id ?? null }));
    else
      io.out(
        `meridian worker (${profile.flavor} emulation) listening on ${url}${node ? ` as node ${node.id}` : ''}`,
      );
    const stopped = untilStopSignal();
    await agent?.start();
    // A worker the coordinator refused for good ends too: left running unregistered it would look fine.
    const end = await (agent === undefined ? stopped : Promise.race([stopped, agent.refused]));
    await agent?.stop(false);
    await w.app.close();
    if (typeof end !== 'string')
      throw new UsageError(
        refusalMessage(NAME, agent!.nodeId, end, {
          token: tokenSource(args),
          key: keyFile === undefined ? '--key (a fresh key this start)' : `--key (${keyFile})`,
          node: `the "node" section of --profile ${file}`,
          endpoint: `--host (the worker registers ${url})`,
        }),
      );
    if (args.values.json !== true) io.err(`meridian: worker stopped (${end})`);
    return EXIT_OK;
  },
};

/** The profile's `datasets` and the `--dataset` values as synthetic datasets; UsageError naming the bad one. */
function datasetsOf(list: readonly string[]): EmulatedDataset[] {
  const seen = new Set<string>();
  return list.map((text) => {
    const spec = parseDatasetSpec(text);
    if (typeof spec === 'string') throw new UsageError(`${NAME}: --dataset ${spec}`);
    if (seen.has(spec.id)) throw new UsageError(`${NAME}: --dataset ${spec.id} is given twice`);
    seen.add(spec.id);
    return syntheticDataset(spec.id, spec.sizeGb, spec.version);
  });
}
