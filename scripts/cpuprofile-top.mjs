#!/usr/bin/env node
/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, `npm run bench:gateway -- --cpu-prof DIR`): self time
 * by function and by file, largest first, with each one's share of the profile.
 *
 *   node scripts/cpuprofile-top.mjs FILE.cpuprofile [--top N] [--grep TEXT]
 *
 * `--grep` keeps only the functions whose file or name contains TEXT (the shares stay of the whole).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, grep: { type: 'string' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node scripts/cpuprofile-top.mjs FILE.cpuprofile [--top N] [--grep TEXT]\n');
  process.exit(2);
}
// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1));
const top = Number(values.top);
if (!Number.isInteger(top) || top < 1) {
  process.stderr.write(`--top: expected a whole number above 0, got ${JSON.stringify(values.top)}\n`);
  process.exit(2);
}
let profile;
try {
  profile = JSON.parse(readFileSync(positionals[0], 'utf8'));
} catch (e) {
  process.stderr.write(`${positionals[0]}: not a readable CPU profile (${e.message})\n`);
  process.exit(2);
}

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const total = [...selfUs.values()].reduce((s, x) => s + x, 0);

/** A file's short name: the part after node_modules/ or the project's dist/, else the whole url. */
function shortFile(url) {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

const fns = new Map();
const files = new Map();
for (const [id, us] of selfUs) {
  const f = byId.get(id).callFrame;
  const file = shortFile(f.url);
  const key = `${f.functionName || '(anonymous)'}  ${file}:${f.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  files.set(file, (files.get(file) ?? 0) + us);
}

const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const keep = (key) => values.grep === undefined || key.includes(values.grep);
const print = (title, m) => {
  process.stdout.write(`${title}\n`);
  for (const [k, us] of [...m]
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    process.stdout.write(`${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
};
process.stdout.write(`${positionals[0]}: ${(total / 1e6).toFixed(2)} s sampled\n`);
print('self time by function', fns);
print('self time by file', files);
