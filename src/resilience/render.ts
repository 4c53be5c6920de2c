import { columnsOf, percent, tableLines } from '../util/text-table.js';
import type { NetworkAnalysis } from './analyze.js';
import { formatDomain } from './member.js';
import type { OutageSimulation, SimulatedRun } from './simulate-outages.js';
import type { OutageResult } from './whatif.js';

function fixed(n: number | null, digits: number): string {
  if (n === null) return '-';
  return Number.isFinite(n) ? n.toFixed(digits) : '∞';
}

function count(n: number): string {
  return Number.isFinite(n) ? String(n) : '∞';
}

function signedMs(ms: number | null): string {
  if (ms === null) return '-';
  return `${ms >= 0 ? '+' : ''}${ms.toFixed(1)} ms`;
}

function concentrationLines(a: NetworkAnalysis): string[] {
  const dims = Object.entries(a.dimensions);
  if (dims.length === 0) return ['No dimensions to measure.'];
  const rows = dims.map(([name, d]) => [
    name,
    String(d.groups),
    d.hhi.toFixed(4),
    d.effective.toFixed(2),
    d.entropy.toFixed(3),
    d.expEntropy.toFixed(2),
    count(d.nakamoto['1/3']),
    count(d.nakamoto['1/2']),
    count(d.nakamoto['2/3']),
    d.unknown > 0 ? percent(d.unknown) : '',
  ]);
  const out = tableLines(
    columnsOf(
      ['dimension', 'groups', 'HHI', 'effective', 'entropy', 'exp(H)', 'N 1/3', 'N 1/2', 'N 2/3', 'unknown'],
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    ),
    rows,
  );
  const m = a.minimum;
  out.push(
    '',
    `Minimum over dimensions: Nakamoto 1/3 = ${count(m.nakamoto['1/3'].value)} (${m.nakamoto['1/3'].dimensions.join(', ')}), ` +
      `1/2 = ${count(m.nakamoto['1/2'].value)} (${m.nakamoto['1/2'].dimensions.join(', ')}), ` +
      `2/3 = ${count(m.nakamoto['2/3'].value)} (${m.nakamoto['2/3'].dimensions.join(', ')}); ` +
      `effective ${m.effective.value.toFixed(2)} (${m.effective.dimensions.join(', ')}); ` +
      `highest HHI ${m.hhi.value.toFixed(4)} (${m.hhi.dimensions.join(', ')})`,
  );
  for (const [name, d] of dims) {
    if (d.top.length === 0) continue;
    out.push('', `${name}: largest groups`);
    let cum = 0;
    const rows = d.top.map((t) => {
      cum += t.share;
      return [t.value, percent(t.share), percent(cum)];
    });
    if (d.unknown > 0) rows.push(['(unknown)', percent(d.unknown), '']);
    out.push(
      ...tableLines(
        columnsOf(['  value', 'share', 'cumulative'], [1, 2]),
        rows.map((r) => [`  ${r[0]}`, r[1]!, r[2]!]),
      ),
    );
  }
  return out;
}

function clusterLines(a: NetworkAnalysis): string[] {
  const c = a.clusters;
  const out = [
    `Dependency clusters (members linked when they share a value on ${c.dimensions.join(', ') || 'no dimension'}): ` +
      `${c.count} clusters, effective ${c.effective.toFixed(2)}, Nakamoto 1/3 = ${count(c.nakamoto['1/3'])}, ` +
      `1/2 = ${count(c.nakamoto['1/2'])}, 2/3 = ${count(c.nakamoto['2/3'])}` +
      (c.unknown > 0 ? `; unknown (no value on any): ${percent(c.unknown)}` : ''),
  ];
  if (c.largest.length === 0) return out;
  const rows = c.largest.map((k) => [
    percent(k.share),
    String(k.members),
    Object.entries(k.values)
      .map(([dim, vs]) => `${dim}: ${vs.join(', ')}${vs.length === 3 ? ', …' : ''}`)
      .join('; '),
  ]);
  out.push(
    ...tableLines(
      columnsOf(['  share', 'members', 'heaviest values'], [0, 1]),
      rows.map((r) => [`  ${r[0]}`, r[1]!, r[2]!]),
    ),
  );
  return out;
}

function cutText(cut: NetworkAnalysis['models'][number]['warmCut']): string {
  if (cut.domains.length === 0 && cut.unremovable === 0) return '-';
  const values =
    cut.domains.length > 4 ? `${cut.domains.length} values` : cut.domains.map(formatDomain).join(' + ');
  const how = cut.exact ? '' : ` (greedy; ≥ ${cut.lowerBound})`;
  const rest = cut.unremovable > 0 ? ` (${cut.unremovable} unlabelled survive)` : '';
  return `${values}${how}${rest}`;
}

function modelLines(a: NetworkAnalysis): string[] {
  if (a.models.length === 0) return [];
  const rows = a.models.map((m) => [
    m.model,
    String(m.warm),
    String(m.capable),
    m.effectiveProviders.toFixed(2),
    m.effectiveAsns.toFixed(2),
    cutText(m.warmCut),
    cutText(m.capableCut),
  ]);
  return [
    'Models: warm replicas, their spread, and the fewest domain values whose loss removes them all',
    ...tableLines(
      columnsOf(
        [
          'model',
          'warm',
          'capable',
          'eff. providers',
          'eff. ASNs',
          'takes out every warm',
          'takes out every capable',
        ],
        [1, 2, 3, 4],
      ),
      rows,
    ),
  ];
}

function worstRegion(o: OutageResult): string {
  const c = o.capacity[0];
  return c === undefined ? '-' : `${c.region} ${percent(c.lostShare)}`;
}

function worstLatency(o: OutageResult): string {
  let worst: OutageResult['latency'][number] | undefined;
  for (const l of o.latency) {
    const grew = l.unservedAfter - l.unservedBefore;
    const wGrew = worst === undefined ? -1 : worst.unservedAfter - worst.unservedBefore;
    if (worst === undefined || grew > wGrew || (grew === wGrew && (l.deltaMs ?? 0) > (worst.deltaMs ?? 0)))
      worst = l;
  }
  if (worst === undefined) return '-';
  const unserved = worst.unservedAfter - worst.unservedBefore;
  return unserved > 0
    ? `${worst.region} ${percent(unserved)} unserved`
    : `${worst.region} ${signedMs(worst.deltaMs)}`;
}

function whatifLines(a: NetworkAnalysis): string[] {
  if (a.whatif.length === 0) return [];
  const noLocations = a.located === 0;
  const rows = a.whatif.map((o) => [
    o.name,
    String(o.removed),
    percent(o.weightLost),
    noLocations ? 'no locations' : worstRegion(o),
    o.modelsNoWarm.length === 0 ? '-' : o.modelsNoWarm.join(', '),
    o.modelsNoCapable.length === 0 ? '-' : o.modelsNoCapable.join(', '),
    noLocations ? 'no locations' : worstLatency(o),
  ]);
  return [
    `What-if outages (capacity in ${a.capacityUnit}; latency = demand-weighted RTT to the ${nearest(a)})`,
    ...tableLines(
      columnsOf(
        [
          'outage',
          'removed',
          `${a.weighting} lost`,
          'worst region loss',
          'no warm left',
          'no capable left',
          'worst latency change',
        ],
        [1, 2],
      ),
      rows,
    ),
  ];
}

function nearest(a: NetworkAnalysis): string {
  return a.models.length === 0 ? 'nearest node' : 'nearest warm node of each model';
}

function latencyLines(a: NetworkAnalysis): string[] {
  if (a.located === 0 && a.members > 0) {
    return [
      'Latency: no locations (no member has one; map them with --map lat=COLUMN,lon=COLUMN or coords=COLUMN)',
    ];
  }
  if (a.latency.length === 0) return [];
  const rows = a.latency.map((l) => [
    l.region,
    fixed(l.meanMs, 1),
    l.unserved > 0 ? percent(l.unserved) : '',
  ]);
  return [
    `Baseline latency per demand region (analytic: demand-weighted RTT to the ${nearest(a)})`,
    ...tableLines(columnsOf(['region', 'mean RTT ms', 'unserved'], [1, 2]), rows),
  ];
}

/** The human-readable report of `meridian analyze`. */
export function renderAnalysis(a: NetworkAnalysis, title: string): string {
  const sections = [
    [title, `${a.members} members, weighted by ${a.weighting}`],
    concentrationLines(a),
    clusterLines(a),
    modelLines(a),
    latencyLines(a),
    whatifLines(a),
  ].filter((s) => s.length > 0);
  return sections.map((s) => s.join('\n')).join('\n\n');
}

function ms(v: number | null): string {
  return v === null ? '-' : v.toFixed(0);
}

/** The region whose p95 grew most against the baseline, as `europe +412 ms`. */
function worstRegionP95(run: SimulatedRun, baseline: SimulatedRun): string {
  let worst = '-';
  let worstDelta = Number.NEGATIVE_INFINITY;
  for (const [region, g] of Object.entries(run.byRegion)) {
    const before = baseline.byRegion[region]?.p95Ms ?? null;
    if (g.p95Ms === null || before === null) continue;
    const delta = g.p95Ms - before;
    if (delta > worstDelta) {
      worstDelta = delta;
      worst = `${region} ${delta >= 0 ? '+' : ''}${delta.toFixed(0)} ms`;
    }
  }
  return worst;
}

/** The simulated outages of `meridian analyze --simulate`, one row per run. */
export function renderSimulation(sim: OutageSimulation): string {
  const row = (name: string, r: SimulatedRun) => [
    name,
    String(r.requests),
    r.requests > 0 ? percent(r.served / r.requests) : '-',
    String(r.lost),
    String(r.shed),
    ms(r.p50Ms),
    ms(r.p95Ms),
    r === sim.baseline ? '' : worstRegionP95(r, sim.baseline),
  ];
  return [
    `Simulated (policy ${sim.policy}, ${sim.durationS} s, seed ${sim.seed}; each outage lasts the whole run)`,
    ...tableLines(
      columnsOf(
        ['run', 'requests', 'served', 'lost', 'shed', 'e2e p50 ms', 'e2e p95 ms', 'worst region Δ p95'],
        [1, 2, 3, 4, 5, 6],
      ),
      [row('no outage', sim.baseline), ...sim.outages.map((o) => row(o.name, o))],
    ),
  ].join('\n');
}
