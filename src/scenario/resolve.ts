import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseCityCoords, parseRttMatrix } from '../geo/rtt-matrix.js';
import { type Node, Node as NodeSchema } from '../model/node.js';
import { formatPath, issuesFromZod } from '../model/validate.js';
import { resolveExplicitNode } from './explicit-nodes.js';
import { expandGenerator, generatorPrefix } from './generate.js';
import type { RankedModel } from './holdings.js';
import type { IssueList } from './issues.js';
import { resolveDatasets } from './resolve-datasets.js';
import { resolveDemand } from './resolve-demand.js';
import { resolveFailures } from './resolve-failures.js';
import { resolveLiars } from './resolve-liars.js';
import { resolveModels } from './resolve-models.js';
import type { ScenarioFile, TruthInput } from './schema.js';
import type { ResolvedTruth, Scenario } from './types.js';

/**
 * Resolves a parsed scenario file: models, demand (popularity drives the warm policy), nodes (listed and
 * generated), datasets, failures, RTT files. Every problem goes to `issues`; the result is only meaningful
 * when no issue was added.
 */
export function resolveScenario(file: ScenarioFile, baseDir: string, issues: IssueList): Scenario {
  const models = resolveModels(file.models, issues);
  const modelsById = new Map(models.map((m) => [m.id, m]));
  const demand = resolveDemand(file.demand, models, file.durationS, baseDir, issues);
  const weightOf = new Map(demand.models.map((w) => [w.id, w.weight]));
  const ranked: RankedModel[] = models
    .map((model) => ({ model, weight: weightOf.get(model.id) ?? 0 }))
    .sort((a, b) => b.weight - a.weight);

  const nodes: Node[] = [];
  const origin = new Map<string, (string | number)[]>();
  file.network.nodes.forEach((n, i) => {
    const node = resolveExplicitNode(n, i, modelsById, issues);
    const first = origin.get(n.id);
    if (first !== undefined) {
      issues.addValue(
        ['network', 'nodes', i, 'id'],
        `duplicate node id (first at ${formatPath(first)})`,
        n.id,
      );
      return;
    }
    origin.set(n.id, ['network', 'nodes', i, 'id']);
    if (node) nodes.push(node);
  });
  file.network.generators.forEach((g, i) => {
    const generated = expandGenerator(g, i, { seed: file.seed, ranked }, issues);
    const clash = generated.find((n) => origin.has(n.id));
    if (clash !== undefined) {
      issues.addValue(
        ['network', 'generators', i, 'idPrefix'],
        `generated id "${clash.id}" collides with ${formatPath(origin.get(clash.id)!)}; choose another idPrefix`,
        generatorPrefix(g, i),
      );
      return;
    }
    for (const n of generated) {
      origin.set(n.id, ['network', 'generators', i]);
      nodes.push(n);
    }
  });
  for (const n of nodes) {
    const checked = NodeSchema.safeParse(n);
    if (checked.success) continue;
    for (const issue of issuesFromZod(checked.error, n)) {
      issues.add(
        [...origin.get(n.id)!],
        `resolved node "${n.id}" is invalid at ${issue.path}: ${issue.message}`,
      );
    }
  }

  const datasets = resolveDatasets(file.datasets, nodes, file.seed, issues);
  const failures = resolveFailures(file.failures, nodes, file.durationS, issues);
  const scenario: Scenario = {
    name: file.name,
    description: file.description,
    seed: file.seed,
    durationS: file.durationS,
    stalenessMs: file.stalenessMs,
    nodes,
    models,
    datasets,
    demand,
    failures,
    policies: file.policies,
    warnings: [],
  };
  if (file.truth !== undefined) scenario.truth = resolveTruth(file.truth, nodes, issues);
  if (file.liars !== undefined)
    scenario.liars = resolveLiars(file.liars, nodes, demand.metros, file.seed, issues);
  if (file.rtt !== undefined) {
    const matrix = checkFile(baseDir, file.rtt.matrix, ['rtt', 'matrix'], issues, parseRttMatrix);
    const coords =
      file.rtt.coords && checkFile(baseDir, file.rtt.coords, ['rtt', 'coords'], issues, parseCityCoords);
    scenario.rtt = coords ? { matrix, coords } : { matrix };
  }
  return scenario;
}

function range(r: number | { min: number; max: number }): { min: number; max: number } {
  return typeof r === 'number' ? { min: r, max: r } : { ...r };
}

/** The truth section with ranges spelt out; an episode naming no node is an error at its `node`. */
function resolveTruth(t: TruthInput, nodes: readonly { id: string }[], issues: IssueList): ResolvedTruth {
  const ids = new Set(nodes.map((n) => n.id));
  t.episodes.forEach((e, i) => {
    if (!ids.has(e.node)) issues.addValue(['truth', 'episodes', i, 'node'], 'no node has this id', e.node);
  });
  const out: ResolvedTruth = {
    prefillSigma: t.prefillSigma,
    decodeSigma: t.decodeSigma,
    loadSigma: t.loadSigma,
    episodes: t.episodes.map((e) => ({ ...e })),
    telemetryNoise: t.telemetryNoise,
  };
  if (t.stragglers) {
    out.stragglers = {
      perNodeHour: t.stragglers.perNodeHour,
      factor: range(t.stragglers.factor),
      durationS: range(t.stragglers.durationS),
    };
  }
  return out;
}

/**
 * The absolute path of a file the scenario names; an issue at `path` when it is missing, not a file, or
 * its content does not `parse` (the simulator would refuse it only once the run starts).
 */
function checkFile(
  baseDir: string,
  written: string,
  path: string[],
  issues: IssueList,
  parse: (text: string, source: string) => unknown,
): string {
  const abs = resolvePath(baseDir, written);
  const kind = fileKind(abs);
  if (kind !== 'file') {
    issues.addValue(path, `${kind} (paths are relative to the scenario file)`, written);
    return abs;
  }
  try {
    parse(readFileSync(abs, 'utf8'), written);
  } catch (e) {
    issues.addValue(path, `unreadable: ${(e as Error).message}`, written);
  }
  return abs;
}

function fileKind(abs: string): 'file' | 'file not found' | 'is a directory, not a file' {
  try {
    return statSync(abs).isDirectory() ? 'is a directory, not a file' : 'file';
  } catch {
    return 'file not found';
  }
}
