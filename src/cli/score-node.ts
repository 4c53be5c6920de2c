import { UsageError } from '../errors.js';
import { parseNodeArg } from '../placement/node-arg.js';
import { latencyTable } from '../placement/render.js';
import { type NodeScore, percentPair, scoreNode } from '../placement/score.js';
import { DEFAULT_PLACEMENT_OPTIONS } from '../placement/types.js';
import { loadScenarioFile } from '../scenario/load.js';
import { percent, renderTable } from '../util/text-table.js';
import { type Command, num, requireStr } from './command.js';
import { EXIT_OK } from './exit.js';

const NAME = 'score-node';

const HELP = `meridian score-node --scenario FILE --node JSON|@FILE [--threshold MS] [--json]

Scores one proposed node against a scenario's network: its marginal effect on every dimension (share of
its own value and of the largest value, HHI and Nakamoto coefficients before/after, by node count), on
coverage by a warm replica within the RTT threshold (also by two providers and after the worst
single-provider failure), on latency p50/p95 per region, and a plain verdict.

Options:
  --scenario FILE   the network, models and demand (a scenario file)
  --node NODE       the node as inline JSON or @FILE (JSON or YAML), written like a node in a scenario file:
                    {"id", "location": {"metro"}, "labels": {"provider", ...}, "hardware": {"accelerator",
                    "count"}, "models": [{"model", "tier"}]}. Missing asn, datacenter, country and operator
                    labels come from the catalogs. Without warm models (tier "gpu"), the node is scored with
                    the warm set the placement objective would choose for its memory.
  --threshold MS    coverage RTT threshold (default ${DEFAULT_PLACEMENT_OPTIONS.thresholdMs})
  --json            print {"node", "dimensions": {DIM: {"value", "newValue", "share", "top", "hhi",
                    "nakamoto"}}, "independence", "gain", "coverage", "coverage2", "worstFailure",
                    "latency", "verdict"}

Example:
  meridian score-node --scenario scenarios/small.yaml \\
    --node '{"id":"new-1","location":{"metro":"frankfurt"},"labels":{"provider":"ovh"},"hardware":{"accelerator":"h100","count":8}}'`;

function render(score: NodeScore): string {
  const out: string[] = [];
  const n = score.node;
  out.push(
    `node ${n.id} at ${n.metro} (${Object.entries(n.labels)
      .map(([d, v]) => `${d}=${v}`)
      .join(', ')})`,
  );
  out.push(
    `warm ${n.warmChosen ? '(chosen for its memory)' : ''}: ${n.warm.length > 0 ? n.warm.join(', ') : 'nothing'}`,
  );
  out.push('');
  out.push(`verdict: ${score.verdict}`);
  out.push('');
  out.push(
    renderTable(
      [
        { header: 'dimension' },
        { header: 'value' },
        { header: 'its share', align: 'right' },
        { header: 'largest', align: 'left' },
        { header: 'largest share', align: 'right' },
        { header: 'HHI', align: 'right' },
        { header: 'Nakamoto 1/3,1/2,2/3', align: 'right' },
      ],
      Object.entries(score.dimensions).map(([dim, d]) => [
        dim,
        `${d.value ?? '-'}${d.newValue ? ' (new)' : ''}`,
        percentPair(d.share.before, d.share.after).join('→'),
        d.top?.value ?? '-',
        d.top === null ? '-' : percentPair(d.top.share.before, d.top.share.after).join('→'),
        `${d.hhi.before.toFixed(4)}→${d.hhi.after.toFixed(4)}`,
        `${Object.values(d.nakamoto.before).join('/')}→${Object.values(d.nakamoto.after).join('/')}`,
      ]),
    ),
  );
  out.push('');
  out.push(
    `coverage ${percent(score.coverage.before)} → ${percent(score.coverage.after)}; by two providers ${percent(score.coverage2.before)} → ${percent(score.coverage2.after)}; after the worst single-provider failure ${percent(score.worstFailure.before.coverage)} → ${percent(score.worstFailure.after.coverage)}; placement gain ${score.gain.toFixed(5)}`,
  );
  out.push(latencyTable(score.latency));
  return out.join('\n');
}

export const scoreNodeCommand: Command = {
  name: NAME,
  help: HELP,
  options: {
    scenario: { type: 'string' },
    node: { type: 'string' },
    threshold: { type: 'string' },
  },
  async run(args, io) {
    const file = requireStr(args, NAME, 'scenario');
    const nodeArg = requireStr(args, NAME, 'node');
    const thresholdMs = num(args, NAME, 'threshold', DEFAULT_PLACEMENT_OPTIONS.thresholdMs, { min: 0 });
    const scenario = loadScenarioFile(file);
    const node = parseNodeArg(nodeArg, scenario.models);
    // A proposed node beside one with the same id would be scored as the network had two of one node.
    if (scenario.nodes.some((n) => n.id === node.id))
      throw new UsageError(
        `${NAME}: --node: id "${node.id}" is already a node of ${file}; a proposed node needs a new id`,
      );
    const score = scoreNode(scenario, node, { options: { thresholdMs } });
    io.out(args.values.json ? JSON.stringify(score) : render(score));
    return EXIT_OK;
  },
};
