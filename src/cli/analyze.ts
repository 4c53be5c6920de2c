import { basename } from 'node:path';
import { MeridianError, UsageError } from '../errors.js';
import { type LoadedNetwork, loadNetwork, NETWORK_FORMATS, type NetworkFormat } from '../import/load.js';
import { parseMapFlags } from '../import/mapping.js';
import { openGradientNetwork } from '../import/opengradient/network.js';
import { parseRegistryAddress, registryClient } from '../import/opengradient/registry.js';
import { PRESETS } from '../import/presets.js';
import { analyzeNetwork, type NetworkAnalysis } from '../resilience/analyze.js';
import { checkDimensionNames } from '../resilience/dimension-names.js';
import { dimensionsOf } from '../resilience/member.js';
import { metroGeo } from '../resilience/metro-geo.js';
import { renderAnalysis, renderSimulation } from '../resilience/render.js';
import { parseSelector } from '../resilience/selector.js';
import { type OutageSimulation, simulateOutages } from '../resilience/simulate-outages.js';
import { parseWeighting, WEIGHTING_NAMES, weightsOf } from '../resilience/weighting.js';
import { MAX_DURATION_S, runTooLarge } from '../scenario/limits.js';
import { type Command, flag, num, type Parsed, requireStr, str } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'analyze';

const HELP = `meridian analyze --network FILE [--format csv|json|scenario] [--preset NAME] [--map dim=column ...]
                 [--weight column] [--by WEIGHTING] [--dims a,b] [--cluster-dims a,b] [--outage dim=value ...]
                 [--top N] [--json]
meridian analyze --opengradient RPC_URL --registry ADDRESS [--include-inactive] [...]

Independence analysis of a network: concentration per dimension (shares, HHI, effective number, entropy,
Nakamoto coefficients at 1/3, 1/2 and 2/3), joint dependency clusters, per-model warm replicas and the
fewest domain values whose loss removes them, and what-if outages of the heaviest domain values (one at a
time, then the worst pairs) with capacity lost per region and the latency change per demand region.

Options:
  --network FILE      the network: a CSV or JSON table of nodes, or a scenario file
  --opengradient URL  instead of a file: OpenGradient's on-chain TEE registry over JSON-RPC at URL (with
                      --registry ADDRESS, the contract's address); one member per enabled TEE with the
                      dimensions operator (owner address), host (endpoint), teeType and pcr (enclave image);
                      TEEs the contract does not count as active are left out unless --include-inactive
  --format F          ${NETWORK_FORMATS.join(' | ')} (default: from the extension; .yaml/.yml = scenario)
  --preset NAME       a ready mapping: ${PRESETS.map((p) => `${p.name} (${p.description})`).join('; ')}
  --map dim=column    take dimension "dim" from "column" (repeatable, or pairs separated by commas; adds to
                      or replaces the preset's). id=COLUMN, lat=COLUMN,lon=COLUMN and coords=COLUMN (cells
                      "lat,lon") map the node id and location; weight, stake, latitude, longitude, lng and
                      location are refused as dimension names. Without --map or --preset, columns named like
                      a dimension (provider, asn, datacenter, operator, country, upstream, teeVendor, client)
                      are used; "id", "lat"/"latitude" and "lon"/"longitude" columns give ids and locations
  --weight column     a non-negative number per node (stake); rows are then weighted by it
  --by W              weighting: ${WEIGHTING_NAMES.join(', ')} (default: stake when nodes have one, else count)
  --dims a,b          analyse only these dimensions (default: every mapped or carried dimension)
  --cluster-dims a,b  dimensions whose shared values link nodes into clusters (default: the analysed ones
                      except the broad categories country, client and teeVendor, and except those where no
                      two nodes share a value, such as a validator identity; see docs/analyze.md)
  --outage SELECTOR   also evaluate this outage: dim=value[,dim=value] (all must match; repeatable)
  --top N             values listed per dimension and what-if values per dimension (default 5 and 3)
  --simulate          also run the simulator (policy meridian, same seed and arrivals) without outage and
                      with each --outage, or with the 3 what-if outages losing the most when none is given;
                      scenario networks only, one full run each (global.yaml: about a minute per run)
  --sim-duration S    simulated seconds per run (default: the scenario's durationS)
  --json              print {"network", "dimensions": {DIM: {"groups", "hhi", "effective", "entropy",
                      "expEntropy", "nakamoto": {"1/3","1/2","2/3"}, "top": [{"value","share"}], ...}},
                      "minimum", "clusters", "models", "latency", "whatif": [...]}

Members without a value on a dimension are "unknown" there: their share is shown (column "unknown",
row "(unknown)") and the metrics describe the members whose value is known; they are not counted as
independent groups of one. Without --weight, a column named like a weight (stake, weight) is reported
with the weighting used. A network without locations says "no locations" instead of latencies. Latency is analytic: demand-weighted RTT from every catalog metro to the nearest warm node
(nearest node for networks without models), RTT from the fitted distance model.`;

function list(args: Parsed, name: string): string[] | undefined {
  const v = str(args, name);
  if (v === undefined) return undefined;
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${NAME}: --${name} needs at least one dimension`);
  return items;
}

function strings(args: Parsed, name: string): string[] {
  const v = args.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

function format(args: Parsed): NetworkFormat | undefined {
  const f = str(args, 'format');
  if (f === undefined) return undefined;
  if (!(NETWORK_FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`${NAME}: --format must be one of ${NETWORK_FORMATS.join(', ')} (got "${f}")`);
  }
  return f as NetworkFormat;
}

function toJson(net: LoadedNetwork, a: NetworkAnalysis): unknown {
  return {
    network: {
      source: basename(net.source),
      format: net.format,
      members: a.members,
      rows: net.rows,
      skipped: net.skipped,
      weighting: a.weighting,
      notices: net.notices ?? [],
      totalWeight: a.totalWeight,
      capacityUnit: a.capacityUnit,
    },
    dimensions: a.dimensions,
    minimum: a.minimum,
    clusters: a.clusters,
    models: a.models,
    latency: a.latency,
    located: a.located,
    whatif: a.whatif,
  };
}

/** The on-chain registry as a network; an unreachable RPC is a clear error naming it (exit 1). */
async function readOpenGradient(
  rpc: string,
  registry: string,
  includeInactive: boolean,
): Promise<LoadedNetwork> {
  if (!/^https?:\/\//.test(rpc))
    throw new UsageError(`${NAME}: --opengradient ${rpc}: expected an http(s) JSON-RPC URL`);
  const address = parseRegistryAddress(registry);
  try {
    return await openGradientNetwork(registryClient(rpc), address, rpc, includeInactive);
  } catch (e) {
    throw new MeridianError(
      'registry_unreadable',
      `${NAME}: cannot read the TEE registry ${address} at ${rpc}: ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
}

/** Simulates the chosen outages: the given selectors, else the what-if rows losing the most weight. */
function simulate(
  args: Parsed,
  net: LoadedNetwork,
  analysis: NetworkAnalysis,
  selectorsGiven: boolean,
): OutageSimulation {
  if (net.scenario === undefined) {
    throw new UsageError(
      `${NAME}: --simulate needs a scenario network (--format scenario): a ${net.format} table has no workload to simulate`,
    );
  }
  const chosen = selectorsGiven
    ? analysis.whatif.filter((o) => o.kind === 'selector')
    : [...analysis.whatif].sort((a, b) => b.weightLost - a.weightLost).slice(0, 3);
  const durationS =
    str(args, 'sim-duration') === undefined
      ? undefined
      : num(args, NAME, 'sim-duration', 0, { min: 1, max: MAX_DURATION_S });
  // Each outage is simulated with and without it: a run too large for the simulator is refused up front.
  const tooLarge = runTooLarge(net.scenario.demand, durationS ?? net.scenario.durationS);
  if (tooLarge !== undefined) throw new UsageError(`${NAME}: --sim-duration: ${tooLarge}`);
  return simulateOutages(net.scenario, chosen, durationS === undefined ? {} : { durationS });
}

/** What each weighting reads of a node, for the message when no node has it. */
const WEIGHT_FIELDS = {
  count: 'count',
  slots: 'slots value',
  memory: 'hardware (accelerator memory)',
  stake: 'stake',
} as const;

export const analyze: Command = {
  name: NAME,
  help: HELP,
  options: {
    network: { type: 'string' },
    format: { type: 'string' },
    preset: { type: 'string' },
    map: { type: 'string', multiple: true },
    weight: { type: 'string' },
    by: { type: 'string' },
    dims: { type: 'string' },
    'cluster-dims': { type: 'string' },
    outage: { type: 'string', multiple: true },
    top: { type: 'string' },
    simulate: { type: 'boolean' },
    'sim-duration': { type: 'string' },
    opengradient: { type: 'string' },
    registry: { type: 'string' },
    'include-inactive': { type: 'boolean' },
  },
  async run(args, io) {
    const rpc = str(args, 'opengradient');
    const top = num(args, NAME, 'top', 5, { min: 1, max: 1000, integer: true });
    const weighting = str(args, 'by');
    const outages = strings(args, 'outage').map(parseSelector);
    if (rpc !== undefined && str(args, 'network') !== undefined)
      throw new UsageError(`${NAME}: give either --network FILE or --opengradient URL, not both`);
    const path = rpc === undefined ? requireStr(args, NAME, 'network') : `opengradient:${rpc}`;
    const net =
      rpc === undefined
        ? await loadNetwork(path, {
            format: format(args),
            preset: str(args, 'preset'),
            map: parseMapFlags(strings(args, 'map')),
            weight: str(args, 'weight'),
          })
        : await readOpenGradient(rpc, requireStr(args, NAME, 'registry'), flag(args, 'include-inactive'));
    const known = [...new Set([...(net.dimensions ?? []), ...dimensionsOf(net.members)])];
    const dimensions = list(args, 'dims') ?? net.dimensions;
    const clusterDimensions = list(args, 'cluster-dims');
    checkDimensionNames(`${NAME}: --dims`, dimensions ?? [], known);
    checkDimensionNames(`${NAME}: --cluster-dims`, clusterDimensions ?? [], known);
    checkDimensionNames(
      `${NAME}: --outage`,
      outages.flatMap((s) => s.map((d) => d.dimension)),
      known,
    );
    const by = weighting === undefined ? undefined : parseWeighting(weighting);
    if (by?.kind === 'warm' && !net.models.some((m) => m.id === by.model)) {
      throw new UsageError(
        net.models.length === 0
          ? `${NAME}: --by warm:${by.model} needs a network with models (a scenario); ${basename(path)} has none`
          : `${NAME}: --by warm:${by.model}: no such model (models: ${net.models.map((m) => m.id).join(', ')})`,
      );
    }
    if (
      by !== undefined &&
      by.kind !== 'warm' &&
      net.members.length > 0 &&
      weightsOf(net.members, by).every((w) => w === 0)
    )
      throw new UsageError(
        `${NAME}: --by ${by.kind}: no node of ${basename(path)} has a ${WEIGHT_FIELDS[by.kind]}, so every weight would be 0 (use --by count${by.kind === 'stake' ? ', or --weight COLUMN for a table' : ''})`,
      );
    const analysis = analyzeNetwork(net.members, {
      dimensions,
      ...(clusterDimensions === undefined ? {} : { clusterDimensions }),
      weighting: by,
      top,
      models: net.models,
      geo: metroGeo(net.demand),
      modelWeights: net.modelWeights,
      outages,
      whatif: { perDimension: str(args, 'top') === undefined ? 3 : top },
    });
    const simulation = flag(args, 'simulate') ? simulate(args, net, analysis, outages.length > 0) : undefined;
    if (flag(args, 'json')) io.out(JSON.stringify({ ...(toJson(net, analysis) as object), simulation }));
    else {
      const rows = net.rows === undefined ? '' : ` (${net.rows} rows, ${net.skipped ?? 0} filtered out)`;
      const notices = (net.notices ?? []).map((n) => `\nNote: ${n}`).join('');
      io.out(renderAnalysis(analysis, `Network ${basename(net.source)}${rows}${notices}`));
      if (simulation !== undefined) io.out(`\n${renderSimulation(simulation)}`);
    }
    return EXIT_OK;
  },
};
