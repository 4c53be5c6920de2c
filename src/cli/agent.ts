import { readFileSync } from 'node:fs';
import { BACKEND_KINDS, type BackendKind } from '../agent/adapters.js';
import { Agent, type AgentStatus, type Refusal } from '../agent/agent.js';
import { type FileDataset, fileDataset, parseFileDatasetSpec } from '../agent/datasets.js';
import { loadOrCreateIdentity } from '../agent/keys.js';
import { UsageError } from '../errors.js';
import { parseOrThrow } from '../model/validate.js';
import { listenError } from '../server/serve.js';
import { untilStopSignal } from '../server/signals.js';
import { loadYamlFile } from '../util/yaml-file.js';
import { Descriptor, withDatasets } from '../wire/protocol.js';
import { type Command, flag, httpUrl, num, requireStr, str } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'agent';

const HELP = `meridian agent --backend URL --kind openai|vllm|ollama|llamacpp --coordinator URL --node FILE [options]

Runs beside an inference server: discovers the models it serves and has loaded (Ollama /api/ps and
/api/tags, vLLM /metrics and /v1/models, llama.cpp /slots and /props, generic /v1/models), registers
the node with the coordinator under its own Ed25519 key, and sends a signed heartbeat every interval.

  --backend URL       the inference server
  --kind K            openai | vllm | ollama | llamacpp
  --coordinator URL   the coordinator (meridian serve)
  --node FILE         YAML node descriptor: id, roles, location, labels, hardware, slots (no models)
  --token T           operator token (default: environment variable MERIDIAN_TOKEN)
  --key FILE          node key file, created on first start (default ./meridian-node.key)
  --listen HOST:PORT  serve the node's endpoint here: answers the coordinator's proof of control
                      (GET /meridian/proof, signed with the node key) and forwards the rest to --backend
  --dataset ID:VERSION:PATH
                      the node holds this file as dataset ID (repeatable; needs --listen): it registers
                      with role "data" and the file's Merkle root over 1 MiB chunks (the file is read
                      once at start and must not change), and the front answers the coordinator's
                      challenges for its chunks (GET /meridian/dataset-proof)
  --endpoint URL      URL the gateway should proxy to (default: the --listen URL, else --backend,
                      which must then answer the proof of control itself)
  --model-map A=B,…   backend model name A is catalog model B
  --heartbeat-ms N    heartbeat interval (default: what the coordinator asks for)
  --attestation FILE  an AWS Nitro attestation document (its CBOR bytes) binding the node key, presented
                      at registration; re-read every interval and sent again in a signed update when it
                      changed (the coordinator gives the node the tee mode only while a document holds)
  --deregister-on-exit  deregister the node when stopped
  --json              print each status change as one JSON line on stdout: {"kind": "registered",
                      "nodeId", "lastSeq"} or {"kind": "register-failed"|"heartbeat-failed"|
                      "backend-failed", "message"}

Coordinator outages (network errors, 5xx, 408, 409, 425, 429) are retried for as long as they last. A
refusal no retry can change ends the agent with exit code 2 and the coordinator's answer: any other 4xx
to its first registration (401: check --token), or 401/403 once registered (the node's key or the token
is no longer accepted).`;

/** One line for an agent status change. */
export function agentStatusLine(s: AgentStatus): string {
  if (s.kind === 'registered')
    return `meridian agent: registered node ${s.nodeId} (sequence floor ${s.lastSeq})`;
  if (s.kind === 'command')
    return `meridian agent: ${s.command}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`;
  if (s.kind === 'attestation-sent')
    return `meridian agent: attestation sent: a changed document of ${s.bytes} bytes`;
  return `meridian agent: ${s.kind.replace('-', ' ')}: ${s.message}`;
}

/** Where a command takes the settings a coordinator's refusal can point at, as its user would write them. */
export interface RefusalHints {
  token: string;
  key: string;
  node: string;
  endpoint: string;
}

/** `--token`, or the environment variable when the token came from there. */
export function tokenSource(args: Parameters<Command['run']>[0]): string {
  return str(args, 'token') === undefined ? 'MERIDIAN_TOKEN (or --token)' : '--token';
}

/**
 * The one line `meridian agent` and `meridian worker` end with (exit 2) when the coordinator refused the
 * node for good: what it answered, and which setting to check.
 */
export function refusalMessage(command: string, nodeId: string, r: Refusal, hints: RefusalHints): string {
  const e = r.error;
  const what = r.during === 'registration' ? 'to register node' : 'a heartbeat of node';
  const said = e.reason.replace(/\s*\n\s*/g, '; ');
  return `${command}: the coordinator refused ${what} ${nodeId}, not retrying: ${e.status} ${e.code}: ${said}; ${refusalHint(nodeId, r, hints)}`;
}

/** What to check for a refusal, by the coordinator's error code where it says more than the status. */
function refusalHint(nodeId: string, { during, error: e }: Refusal, h: RefusalHints): string {
  if (during === 'heartbeat')
    return `the coordinator no longer accepts node ${nodeId}'s key (deregistered, or registered again under another key): check ${h.key} and that no other node runs as ${nodeId}`;
  if (e.code === 'bad_signature') return `check ${h.key}`;
  if (e.code === 'attestation_refused') return 'check --attestation';
  if (e.code === 'endpoint_refused' || e.code === 'proof_failed') return `check ${h.endpoint}`;
  if (e.code === 'quota_exceeded')
    return "deregister another of the operator's nodes, or raise limits.nodesPerOperator on the coordinator";
  if (e.code === 'forbidden') return `check ${h.token} and the operator label in ${h.node}`;
  if (e.status === 401 || e.status === 403) return `check ${h.token}`;
  if (e.status === 404) return 'check --coordinator (the URL of a meridian coordinator)';
  if (e.status === 400) return `check ${h.node}`;
  return `check --coordinator and ${h.node}`;
}

/**
 * `--attestation FILE` of `meridian agent` and `meridian worker --emulate`: an AWS Nitro document the
 * agent presents; UsageError when the file cannot be read at start.
 */
export function attestationOption(
  args: Parameters<Command['run']>[0],
  command: string,
): { kind: string; file: string } | undefined {
  const file = str(args, 'attestation');
  if (file === undefined) return undefined;
  try {
    readFileSync(file);
  } catch (e) {
    throw new UsageError(
      `${command}: --attestation: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return { kind: 'aws-nitro', file };
}

function parseMap(text: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (text === undefined) return out;
  for (const pair of text.split(',')) {
    const [a, b] = pair.split('=');
    if (!a || !b)
      throw new UsageError(`${NAME}: --model-map expects NAME=ID pairs separated by commas (got "${pair}")`);
    out.set(a.trim(), b.trim());
  }
  return out;
}

/** `--listen HOST:PORT` (`[::1]:8001` for IPv6); UsageError naming the value otherwise. */
function listenAddress(v: string | undefined): { host: string; port: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (m === null || port > 65535)
    throw new UsageError(`${NAME}: --listen expects HOST:PORT such as 127.0.0.1:8001 (got "${v}")`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/** A required http(s) URL flag. */
function url(args: Parameters<Command['run']>[0], name: string): string {
  return httpUrl(args, NAME, name) ?? requireStr(args, NAME, name);
}

export const agent: Command = {
  name: NAME,
  help: HELP,
  options: {
    backend: { type: 'string' },
    kind: { type: 'string' },
    coordinator: { type: 'string' },
    node: { type: 'string' },
    token: { type: 'string' },
    key: { type: 'string' },
    endpoint: { type: 'string' },
    listen: { type: 'string' },
    'model-map': { type: 'string' },
    'heartbeat-ms': { type: 'string' },
    attestation: { type: 'string' },
    'deregister-on-exit': { type: 'boolean' },
    dataset: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const backend = url(args, 'backend');
    const coordinator = url(args, 'coordinator');
    const kind = requireStr(args, NAME, 'kind');
    if (!(BACKEND_KINDS as readonly string[]).includes(kind))
      throw new UsageError(`${NAME}: --kind must be one of ${BACKEND_KINDS.join(', ')} (got "${kind}")`);
    const nodeFile = requireStr(args, NAME, 'node');
    const yaml = loadYamlFile(nodeFile, 'node file');
    const node = parseOrThrow(Descriptor, yaml.data, nodeFile, yaml.lineOf);
    const token = str(args, 'token') ?? process.env.MERIDIAN_TOKEN;
    if (token === undefined)
      throw new UsageError(`${NAME}: --token or the MERIDIAN_TOKEN environment variable is required`);
    const endpoint = httpUrl(args, NAME, 'endpoint');
    const listen = listenAddress(str(args, 'listen'));
    const heartbeat = str(args, 'heartbeat-ms');
    const attestation = attestationOption(args, NAME);
    const datasets = fileDatasets((args.values.dataset as string[] | undefined) ?? []);
    if (datasets.length > 0 && listen === undefined)
      throw new UsageError(
        `${NAME}: --dataset needs --listen (the front answers the coordinator's challenges)`,
      );
    const keyFile = str(args, 'key') ?? 'meridian-node.key';
    const a = new Agent({
      coordinator,
      backend,
      kind: kind as BackendKind,
      token,
      node: withDatasets(
        node,
        datasets.map((d) => d.held),
      ),
      ...(datasets.length === 0 ? {} : { datasets }),
      key: loadOrCreateIdentity(keyFile),
      names: parseMap(str(args, 'model-map')),
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(listen === undefined ? {} : { listen }),
      ...(attestation === undefined ? {} : { attestation }),
      ...(heartbeat === undefined
        ? {}
        : { intervalMs: num(args, NAME, 'heartbeat-ms', 1000, { min: 10, integer: true }) }),
      onStatus: (s) => {
        if (flag(args, 'json')) io.out(JSON.stringify(s));
        else if (s.kind === 'registered') io.out(agentStatusLine(s));
        else io.err(agentStatusLine(s));
      },
    });
    const stopped = untilStopSignal();
    await a.start().catch((e: unknown) => {
      throw listen === undefined ? e : listenError(e, listen.host, listen.port, '--listen HOST:PORT');
    });
    const end = await Promise.race([stopped, a.refused]);
    await a.stop(flag(args, 'deregister-on-exit'));
    for (const d of datasets) d.close();
    if (typeof end !== 'string')
      throw new UsageError(
        refusalMessage(NAME, a.nodeId, end, {
          token: tokenSource(args),
          key: `--key (${keyFile})`,
          node: `--node ${nodeFile}`,
          endpoint:
            endpoint !== undefined
              ? '--endpoint'
              : listen !== undefined
                ? '--listen'
                : '--backend (without --listen it must answer the proof of control itself)',
        }),
      );
    if (!flag(args, 'json')) io.err(`meridian: agent stopped (${end})`);
    return EXIT_OK;
  },
};

/** The `--dataset` files, hashed; UsageError naming the bad value or unreadable file. */
function fileDatasets(list: readonly string[]): FileDataset[] {
  const seen = new Set<string>();
  return list.map((text) => {
    const spec = parseFileDatasetSpec(text);
    if (typeof spec === 'string') throw new UsageError(`${NAME}: --dataset ${spec}`);
    if (seen.has(spec.id)) throw new UsageError(`${NAME}: --dataset ${spec.id} is given twice`);
    seen.add(spec.id);
    try {
      return fileDataset(spec.id, spec.version, spec.path);
    } catch (e) {
      throw new UsageError(
        `${NAME}: --dataset ${spec.id}: cannot read ${spec.path} (${(e as Error).message})`,
      );
    }
  });
}
