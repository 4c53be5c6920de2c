import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../src/scenario/load.js';
import { LOWER_BOUND_COLOR, POLICY_COLORS, policyColor, wantsLogScale } from '../src/sim/report/colors.js';
import { reportHtml } from '../src/sim/report/html.js';
import { summaryMarkdown } from '../src/sim/report/summary.js';
import { buildResults, type SimResults } from '../src/sim/results.js';
import { routingRouterFactory } from '../src/sim/route-adapter.js';
import { runSimulation } from '../src/sim/run.js';
import { simInputFromScenario } from '../src/sim/scenario-input.js';
import { ROOT } from './support/shared-data.js';

/**
 * The cold-start trap for 120 s with an outage of London (gcp) at 30–60 s and a ×3 burst at 80–100 s
 * (nearest pays the ~47 s cold start of Frankfurt).
 */
function trapResults(policies: string[]): SimResults {
  const input = simInputFromScenario(loadScenarioFile(join(ROOT, 'scenarios', 'cold-start-trap.yaml')), {
    durationS: 120,
    policies,
  });
  input.failures.push({ kind: 'outage', atS: 30, durationS: 30, selector: { provider: ['gcp'] } });
  if (input.demand.kind === 'generated') input.demand.bursts.push({ atS: 80, durationS: 20, factor: 3 });
  return buildResults(runSimulation(input, routingRouterFactory, {}, policies));
}

/** Colour of every element tagged with a policy name, per name. */
function coloursBySeries(html: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const tag = /<(?:path|rect|g)\b[^>]*>/g;
  for (const m of html.matchAll(tag)) {
    const el = m[0];
    const name = /data-series="([^"]+)"/.exec(el)?.[1];
    if (name === undefined) continue;
    const next = html.slice(m.index!, m.index! + el.length + 200);
    const colour = /(?:stroke|fill)="(#[0-9a-f]{6})"/.exec(el.startsWith('<g') ? next : el)?.[1];
    if (colour === undefined) continue;
    if (!out.has(name)) out.set(name, new Set());
    out.get(name)!.add(colour);
  }
  return out;
}

describe('report.html', () => {
  const results = trapResults(['nearest', 'p2c', 'meridian']);
  const html = reportHtml(results);

  it('gives each policy one fixed colour in every chart (nearest #1f77b4, meridian #d62728), whatever the run', () => {
    const colours = coloursBySeries(html);
    for (const name of ['nearest', 'p2c', 'meridian'] as const) {
      expect(colours.get(name), name).toEqual(new Set([POLICY_COLORS[name]]));
    }
    expect(colours.get('lower bound')).toEqual(new Set([LOWER_BOUND_COLOR]));
    // Another run with other policies in another order: same colours.
    const other = coloursBySeries(reportHtml(trapResults(['meridian', 'least-loaded'])));
    expect(other.get('meridian')).toEqual(new Set(['#d62728']));
    expect(other.get('least-loaded')).toEqual(new Set([POLICY_COLORS['least-loaded']]));
  });

  it('draws the dashed lower bound first and meridian last, wider, so its line stays visible above it', () => {
    const cdf = html.slice(
      html.indexOf('End-to-end latency CDF'),
      html.indexOf('</svg>', html.indexOf('End-to-end latency CDF')),
    );
    const paths = [...cdf.matchAll(/<path [^>]*data-series="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toEqual(['lower bound', 'nearest', 'p2c', 'meridian']);
    expect(cdf).toMatch(
      /stroke="#000000" stroke-width="1.5" stroke-dasharray="5,3" data-series="lower bound"/,
    );
    expect(cdf).toMatch(/stroke="#d62728" stroke-width="3" data-series="meridian"/);
  });

  it('draws the region chart on a log axis only when one p95 is over 20× another (trap: ~10×, linear)', () => {
    const p95 = (r: SimResults, n: string) => r.policies[n]!.by_region.europe!.p95!;
    expect(p95(results, 'nearest') / p95(results, 'meridian')).toBeLessThan(20);
    expect(html).toContain('p95 end-to-end (ms)</text>');
    expect(html).not.toContain('p95 end-to-end (ms, log scale)');
    const dwarfed = structuredClone(results);
    dwarfed.policies.meridian!.by_region.europe!.p95 = p95(results, 'nearest') / 40;
    const logHtml = reportHtml(dwarfed);
    expect(logHtml).toContain('p95 end-to-end (ms, log scale)');
    expect(wantsLogScale([50, 1000])).toBe(false); // exactly 20×: linear
    expect(wantsLogScale([50, 1001, null, 0])).toBe(true);
  });

  it('marks the outage (30–60 s) and the burst (80–100 s) on all three time charts (load, cold starts, prediction error)', () => {
    expect(html.match(/<g class="event outage">/g)).toHaveLength(3);
    expect(html.match(/<g class="event burst">/g)).toHaveLength(3);
    expect(html).toContain('outage (failures[0])');
    expect(html).toContain('burst (demand.bursts[0])');
  });

  it('states the bucket width (1 s for 120 s: duration / 120) on the time axes', () => {
    const bucket = results.policies.meridian!.timeline.bucket_s;
    expect(bucket).toBe(1);
    expect(html).toContain('simulated time (min; one point per 1 s bucket)');
    expect(html).toMatch(/cold starts per 1 s bucket/);
    expect(html).toContain('busy slots, % (end of each 1 s bucket)');
  });

  it('has the concentration and independence tables of summary.md, with the same cells', () => {
    const md = summaryMarkdown(results);
    for (const heading of ['Served traffic concentration', 'Failures, retries and independence']) {
      expect(md).toContain(`## ${heading}`);
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html).toContain('<th>provider HHI</th>');
    expect(html).toContain('<th>lost despite independent fallback</th>');
    const hhi = results.policies.meridian!.traffic.provider.hhi.toFixed(3);
    expect(md).toContain(hhi);
    expect(html).toContain(`<td>${hhi}</td>`);
  });

  it('picks a stable colour for a policy name outside the built-in set', () => {
    expect(policyColor('my-profile')).toBe(policyColor('my-profile'));
    expect(Object.values(POLICY_COLORS)).not.toContain(policyColor('my-profile'));
  });
});
