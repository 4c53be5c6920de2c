import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimResults } from '../results.js';
import { reportHtml } from './html.js';
import { type ReportPlaces, reportMaps } from './map.js';
import { summaryMarkdown } from './summary.js';

/** The bytes of `results.json`: stable key order (insertion), two-space indent, trailing newline. */
export function resultsJson(results: SimResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** Writes results.json, summary.md and report.html (with maps when the places are given) into `dir` (created when missing); returns the paths. */
export function writeReport(dir: string, results: SimResults, places?: ReportPlaces): string[] {
  mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = [
    ['results.json', resultsJson(results)],
    ['summary.md', summaryMarkdown(results)],
    ['report.html', reportHtml(results, places === undefined ? '' : reportMaps(results, places))],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}
