import { percent, renderTable } from '../util/text-table.js';
import type { Advice } from './advisor.js';
import type { ConcentrationChange, LatencyChange, Recommendation } from './evaluate.js';

/** Plain-text report of `meridian place`. */

export function ms(v: number): string {
  if (Number.isNaN(v)) return '-';
  return Number.isFinite(v) ? v.toFixed(1) : 'none';
}

/** Latency p50/p95 per region, before and after a change. */
export function latencyTable(rows: readonly LatencyChange[]): string {
  return renderTable(
    [
      { header: 'region' },
      { header: 'p50 ms before', align: 'right' },
      { header: 'after', align: 'right' },
      { header: 'p95 ms before', align: 'right' },
      { header: 'after', align: 'right' },
    ],
    rows.map((c) => [c.region, ms(c.p50.before), ms(c.p50.after), ms(c.p95.before), ms(c.p95.after)]),
  );
}

/** Whole US dollars, or "unknown" when no price is known. */
export function usd(v: number | null): string {
  return v === null ? 'unknown' : Math.round(v).toLocaleString('en-US');
}

function newNodesHeading(found: number, requested: number): string {
  if (requested === 0) return 'New nodes: none requested (--add 0)';
  const short =
    found < requested
      ? ' (no further candidate adds coverage within the caps, budget and one node per site)'
      : '';
  return `New nodes: ${found} of ${requested} requested${short}`;
}

function totalCost(t: Advice['evaluation']['total']): string {
  if (t.costUsdMonth !== null) return `${usd(t.costUsdMonth)} USD per month`;
  return `unknown (${t.unpricedNodes} new node(s) of unknown price)`;
}

function nak(n: Record<string, number>): string {
  return Object.values(n)
    .map((v) => (Number.isFinite(v) ? String(v) : '∞'))
    .join('/');
}

function where(r: Recommendation): string {
  const l = r.labels;
  const parts = [r.metro, l.provider, l.asn !== undefined ? `AS${l.asn}` : undefined, l.datacenter];
  return parts.filter((p) => p !== undefined).join(' · ');
}

function latencyLine(changes: readonly LatencyChange[]): string {
  const moved = changes.filter(
    (c) => Math.abs(c.p50.after - c.p50.before) > 0.05 || Math.abs(c.p95.after - c.p95.before) > 0.05,
  );
  if (moved.length === 0) return 'latency p50/p95: no region changes';
  const cells = moved.map(
    (c) => `${c.region} ${ms(c.p50.before)}→${ms(c.p50.after)} / ${ms(c.p95.before)}→${ms(c.p95.after)}`,
  );
  return `latency p50/p95 ms: ${cells.join('; ')}`;
}

/** ΔHHI in HHI points (the 0–10,000 scale of competition authorities). */
export function hhiPoints(delta: number): string {
  const v = delta * 10_000;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)} pts`;
}

function concentrationLine(changes: readonly ConcentrationChange[]): string {
  return changes
    .filter((c) => c.value !== null)
    .map((c) => {
      const share = `${c.value ?? '-'} ${c.newValue ? 'new' : `${percent(c.share.before)}→${percent(c.share.after)}`}`;
      const dn =
        nak(c.nakamoto.before) === nak(c.nakamoto.after)
          ? ''
          : `, Nakamoto ${nak(c.nakamoto.before)}→${nak(c.nakamoto.after)}`;
      return `${c.dimension} ${share} (ΔHHI ${hhiPoints(c.hhi.after - c.hhi.before)}${dn})`;
    })
    .join('; ');
}

export function renderAdvice(source: string, advice: Advice): string {
  const { instance: inst, solution: sol, evaluation: ev } = advice;
  const out: string[] = [];
  const status = sol.status === 'heuristic' ? 'greedy heuristic' : sol.status;
  out.push(
    `meridian place: ${source}, add up to ${inst.options.add} node(s) — ${sol.solver} solver, ${status}, ${sol.seconds.toFixed(1)} s`,
  );
  const bound =
    sol.bound === undefined
      ? 'no bound'
      : `bound ${sol.bound.toFixed(5)} (${sol.boundSource === 'milp' ? 'MILP dual bound' : 'LP relaxation'}), gap ${percent(sol.gap ?? 0)}`;
  out.push(`objective gain ${sol.objective.toFixed(5)}; ${bound}`);
  if (sol.guarantee !== undefined) out.push(`greedy guarantee: ${sol.guarantee.reason}`);
  const st = inst.stats;
  out.push(
    `instance: ${st.candidates} candidates (${st.pruned} pruned), ${st.slots} existing nodes with spare memory, ${st.pairs} (metro, model) pairs can gain coverage` +
      (sol.model
        ? `; MILP ${sol.model.columns} columns, ${sol.model.rows} rows, ${sol.model.nonzeros} nonzeros`
        : ''),
  );
  out.push('');
  if (ev.recommendations.length === 0) {
    out.push('No recommendation: no candidate adds coverage within the constraints.');
    return out.join('\n');
  }
  const fresh = ev.recommendations.filter((r) => r.kind === 'new-node');
  const warm = ev.recommendations.filter((r) => r.kind === 'warm-existing');
  out.push(newNodesHeading(fresh.length, inst.options.add));
  if (fresh.length > 0) {
    out.push(
      renderTable(
        [
          { header: '#' },
          { header: 'node' },
          { header: 'where' },
          { header: 'hardware' },
          { header: 'warm models', align: 'right' },
          { header: 'USD/month', align: 'right' },
          { header: 'gain', align: 'right' },
          { header: 'coverage', align: 'right' },
          { header: 'by two providers', align: 'right' },
        ],
        fresh.map((r) => [
          r.rank,
          r.node,
          where(r),
          `${r.count}×${r.accelerator}`,
          r.models.length,
          usd(r.costUsdMonth),
          r.gain.toFixed(5),
          `${percent(r.coverage.before)}→${percent(r.coverage.after)}`,
          `${percent(r.coverage2.before)}→${percent(r.coverage2.after)}`,
        ]),
      ),
    );
  }
  out.push('');
  out.push(
    `Warm-set changes on existing nodes: ${warm.length} (not counted in the new nodes; no new hardware)`,
  );
  if (warm.length > 0) {
    out.push(
      renderTable(
        [
          { header: '#' },
          { header: 'node' },
          { header: 'where' },
          { header: 'hardware' },
          { header: 'models added', align: 'right' },
          { header: 'gain', align: 'right' },
          { header: 'coverage', align: 'right' },
          { header: 'by two providers', align: 'right' },
        ],
        warm.map((r) => [
          r.rank,
          r.node,
          where(r),
          `${r.count}×${r.accelerator}`,
          r.models.length,
          r.gain.toFixed(5),
          `${percent(r.coverage.before)}→${percent(r.coverage.after)}`,
          `${percent(r.coverage2.before)}→${percent(r.coverage2.after)}`,
        ]),
      ),
    );
  }
  out.push('');
  for (const r of ev.recommendations) {
    const shown =
      r.models.slice(0, 6).join(', ') + (r.models.length > 6 ? `, +${r.models.length - 6} more` : '');
    out.push(
      `${r.rank}. ${r.kind === 'new-node' ? `new node ${r.node} at ${r.site}` : `existing node ${r.node}`}: warm ${shown}`,
    );
    out.push(`   ${latencyLine(r.latency)}`);
    if (r.concentration.length > 0) out.push(`   ${concentrationLine(r.concentration)}`);
  }
  const t = ev.total;
  out.push('');
  out.push('Plan total');
  out.push(
    `coverage (warm replica within ${inst.options.thresholdMs} ms): ${percent(t.coverage.before)} → ${percent(t.coverage.after)}; by two providers: ${percent(t.coverage2.before)} → ${percent(t.coverage2.after)}`,
  );
  out.push(
    `after the worst single-provider failure: ${percent(t.worstFailure.before.coverage)} (${t.worstFailure.before.provider ?? 'none'}) → ${percent(t.worstFailure.after.coverage)} (${t.worstFailure.after.provider ?? 'none'})`,
  );
  out.push(`cost: ${totalCost(t)}`);
  out.push('');
  out.push(latencyTable(t.latency));
  out.push('');
  out.push(
    renderTable(
      [
        { header: 'dimension' },
        { header: 'HHI before', align: 'right' },
        { header: 'after', align: 'right' },
        { header: 'Nakamoto 1/3,1/2,2/3 before', align: 'right' },
        { header: 'after', align: 'right' },
      ],
      t.concentration.map((c) => [
        c.dimension,
        c.hhi.before.toFixed(4),
        c.hhi.after.toFixed(4),
        nak(c.nakamoto.before),
        nak(c.nakamoto.after),
      ]),
    ),
  );
  return out.join('\n');
}
