import { type Cell, percent, renderTable } from '../util/text-table.js';
import type { Count, ScenarioSummary } from './summary.js';

/** The plain-text report of `meridian scenario show`. */
export function summaryText(s: ScenarioSummary): string {
  const n = s.nodes;
  const out: string[] = [
    `scenario ${s.name} (seed ${s.seed}, ${s.durationS} s, telemetry staleness ${s.stalenessMs} ms)`,
  ];
  if (s.description !== '') out.push(s.description);
  out.push(
    '',
    `${n.total} nodes in ${n.distinct.metros} metros and ${n.distinct.countries} countries, ` +
      `${n.distinct.providers} providers, ${n.distinct.asns} ASNs, ${n.distinct.operators} operators`,
  );
  section(out, 'Nodes by provider', countTable('provider', n.byProvider));
  section(out, 'Nodes by metro', countTable('metro', n.byMetro));
  section(out, 'Nodes by country', countTable('country', n.byCountry));
  section(out, 'Nodes by role (a node may have several)', countTable('role', n.byRole));
  section(out, 'Nodes by accelerator', countTable('accelerator', n.byAccelerator));
  if (n.byUpstream.length > 0)
    section(out, 'Proxy nodes by upstream API', countTable('upstream', n.byUpstream));
  section(out, 'Largest operators', countTable('operator', n.byOperator));
  section(
    out,
    'Models (nodes holding each: warm in accelerator memory, in host RAM, on local disk)',
    renderTable(
      [
        { header: 'model' },
        { header: 'kind' },
        { header: 'weights GB', align: 'right' },
        { header: 'popularity', align: 'right' },
        { header: 'warm', align: 'right' },
        { header: 'host RAM', align: 'right' },
        { header: 'disk', align: 'right' },
      ],
      s.models.map((m) => [m.id, m.kind, m.weightsGb, percent(m.popularity), m.warm, m.hostRam, m.localDisk]),
    ),
  );
  if (s.datasets.length > 0) {
    section(
      out,
      'Datasets',
      renderTable(
        [
          { header: 'dataset' },
          { header: 'size GB', align: 'right' },
          { header: 'copies', align: 'right' },
          { header: 'metros' },
        ],
        s.datasets.map((d) => [d.id, d.sizeGb, d.copies, d.metros.join(', ')]),
      ),
    );
  }
  demandText(out, s);
  section(
    out,
    'Failures',
    s.failures.length === 0
      ? 'none'
      : renderTable(
          [
            { header: 'kind' },
            { header: 'when' },
            { header: 'selector' },
            { header: 'nodes', align: 'right' },
          ],
          s.failures.map((f): Cell[] => [
            f.kind,
            f.kind === 'outage'
              ? `${f.atS} s for ${f.durationS} s`
              : `MTBF ${f.mtbfHours} h, MTTR ${f.mttrMinutes} min`,
            f.selector === undefined ? '(every node)' : selectorText(f.selector),
            f.matchedNodes,
          ]),
        ),
  );
  section(out, 'Policies', s.policies.join(', '));
  return out.join('\n');
}

function demandText(out: string[], s: ScenarioSummary): void {
  const d = s.demand;
  const head =
    d.kind === 'synthetic'
      ? `synthetic, ${d.totalRps} requests/s on average`
      : `trace replay of ${d.traceFile}`;
  const verification = Object.entries(d.verification)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${percent(v)}`)
    .join(', ');
  section(out, 'Demand', `${head}; verification: ${verification}`);
  const u = d.utilization;
  if (u) {
    section(
      out,
      'Utilization',
      `offered load ÷ capacity: ${percent(u.mean)} on average, ${percent(u.peak)} at the diurnal peak (${u.peakRps.toFixed(1)} requests/s × ${Math.round(u.serviceMs)} ms mean service at batch 1 over ${u.slots} slots)`,
    );
  }
  section(out, 'Demand by client metro', shareTable('metro', d.topMetros));
  section(out, 'Model popularity', shareTable('model', d.popularityHead));
  if (d.bursts.length > 0) {
    section(
      out,
      'Bursts',
      renderTable(
        [
          { header: 'at s', align: 'right' },
          { header: 'for s', align: 'right' },
          { header: 'factor', align: 'right' },
          { header: 'model' },
          { header: 'where' },
        ],
        d.bursts.map((b) => [
          b.atS,
          b.durationS,
          `×${b.factor}`,
          b.model ?? '(all)',
          b.metros?.join(', ') ?? b.region ?? '(everywhere)',
        ]),
      ),
    );
  }
}

function section(out: string[], title: string, body: string): void {
  out.push('', `${title}:`, body);
}

function countTable(what: string, rows: readonly Count[]): string {
  return renderTable(
    [{ header: what }, { header: 'nodes', align: 'right' }, { header: 'share', align: 'right' }],
    rows.map((r) => [r.key, r.count, percent(r.share)]),
  );
}

function shareTable(what: string, rows: readonly Count[]): string {
  return renderTable(
    [{ header: what }, { header: 'share', align: 'right' }],
    rows.map((r) => [r.key, percent(r.share)]),
  );
}

function selectorText(selector: Record<string, string[]>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v.join('|')}`)
    .join(' ');
}
