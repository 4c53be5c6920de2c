import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * The import-rule checker behind test/architecture.test.ts. A *unit* is an entry directly under `src/`:
 * a folder (`model`, `routing`) or a top-level file (`errors.ts`). docs/architecture.md assigns every unit
 * a layer; a unit may import from its own files and from units of lower layers only, so peers of one layer
 * never import each other and no cycle between units can form. Cycles are still reported on their own
 * (with one import per step), because a cycle is the first thing to break when a layer is misassigned.
 */

/** One relative import: the importing file and the file it resolves to, both as `src/…/x.ts`. */
export interface ImportEdge {
  from: string;
  to: string;
}

/** Layer of every unit, lowest first; `names[i]` labels layer `i` in messages. */
export interface Layering {
  layerOf: ReadonlyMap<string, number>;
  names: readonly string[];
}

export type Rule = 'upward' | 'peer' | 'cycle' | 'unlisted' | 'outside-src';

export interface Violation {
  rule: Rule;
  /** `src/a/x.ts → src/b/y.ts` for an import, or the units of a cycle. */
  where: string;
  message: string;
}

const SPECIFIER = /\b(?:from|import)\s*\(?\s*(['"])(\.{1,2}\/[^'"]*)\1/g;

/** Relative import specifiers of a TypeScript source text (static, re-exports, side-effect, dynamic). */
export function relativeSpecifiers(text: string): string[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...withoutComments.matchAll(SPECIFIER)].map((m) => m[2] ?? '');
}

/** `src/model/node.ts` → `model`; `src/errors.ts` → `errors.ts`; undefined outside `src/`. */
export function unitOf(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return parts[1];
}

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = posix.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(root, rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Every relative import of every `src/**.ts` file (tests included) under `root`. */
export function importEdges(root: string): ImportEdge[] {
  return tsFiles(root, 'src').flatMap((from) =>
    relativeSpecifiers(readFileSync(join(root, from), 'utf8')).map((spec) => ({
      from,
      to: posix.join(posix.dirname(from), spec).replace(/\.js$/, '.ts'),
    })),
  );
}

/** The units directly under `root/src`. */
export function unitsIn(root: string): string[] {
  return readdirSync(join(root, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory() || e.name.endsWith('.ts'))
    .map((e) => e.name)
    .sort();
}

/**
 * The layer table of docs/architecture.md: the rows of the table under the `## Layers` heading whose first
 * cell is a layer number and whose second cell names a unit in backticks (`` `model/` ``, `` `errors.ts` ``).
 * The third cell is the layer's name, used in messages.
 */
export function parseLayering(markdown: string): Layering {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('Layers')) ?? '';
  const layerOf = new Map<string, number>();
  const names: string[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const layer = Number.parseInt(cells[1] ?? '', 10);
    const unit = /^`([^`]+)`$/.exec(cells[2] ?? '')?.[1]?.replace(/\/$/, '');
    if (!Number.isInteger(layer) || unit === undefined) continue;
    if (layerOf.has(unit)) throw new Error(`docs/architecture.md lists ${unit} twice in the layer table`);
    layerOf.set(unit, layer);
    names[layer] ??= cells[3] ?? '';
  }
  return { layerOf, names };
}

function describeLayer(layering: Layering, unit: string): string {
  const layer = layering.layerOf.get(unit) ?? -1;
  return `${unit} (layer ${layer}, ${layering.names[layer] ?? '?'})`;
}

/** Unit-level cycles, each as its units in order with one witnessing import per step. */
export function unitCycles(edges: readonly ImportEdge[]): { units: string[]; imports: ImportEdge[] }[] {
  const witness = new Map<string, ImportEdge>();
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = unitOf(e.from);
    const b = unitOf(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    if (!witness.has(`${a}>${b}`)) witness.set(`${a}>${b}`, e);
    (next.get(a) ?? next.set(a, new Set()).get(a))?.add(b);
  }
  const cycles: { units: string[]; imports: ImportEdge[] }[] = [];
  const seen = new Set<string>();
  for (const start of [...next.keys()].sort()) {
    const path = shortestPathBack(start, next);
    if (path === undefined) continue;
    const key = [...path].sort().join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    const imports = path.map((u, i) => witness.get(`${u}>${path[(i + 1) % path.length]}`) as ImportEdge);
    cycles.push({ units: path, imports });
  }
  return cycles;
}

/** The shortest unit path start → … → (back to start), breadth first, without the repeated start. */
function shortestPathBack(start: string, next: ReadonlyMap<string, Set<string>>): string[] | undefined {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i] as string;
    for (const v of [...(next.get(u) ?? [])].sort()) {
      if (v === start) {
        const path = [u];
        for (let p = u; p !== start; ) {
          p = parent.get(p)!;
          path.unshift(p);
        }
        return path;
      }
      if (parent.has(v)) continue;
      parent.set(v, u);
      queue.push(v);
    }
  }
  return undefined;
}

/** Every import of `edges` that breaks the layering, plus every unit cycle and every unit the table lacks. */
export function checkImports(
  edges: readonly ImportEdge[],
  layering: Layering,
  units: readonly string[],
): Violation[] {
  const out: Violation[] = [];
  for (const unit of units)
    if (!layering.layerOf.has(unit))
      out.push({
        rule: 'unlisted',
        where: `src/${unit}`,
        message: `src/${unit} has no row in the layer table of docs/architecture.md: give it a layer there`,
      });
  for (const e of edges) {
    const where = `${e.from} → ${e.to}`;
    const a = unitOf(e.from);
    const b = unitOf(e.to);
    if (a === undefined) continue;
    if (b === undefined) {
      if (!e.from.endsWith('.test.ts'))
        out.push({
          rule: 'outside-src',
          where,
          message: `${where}: only tests may import from outside src/`,
        });
      continue;
    }
    if (a === b) continue;
    const la = layering.layerOf.get(a);
    const lb = layering.layerOf.get(b);
    if (la === undefined || lb === undefined) continue;
    if (la < lb)
      out.push({
        rule: 'upward',
        where,
        message: `${where}: ${describeLayer(layering, a)} must not import ${describeLayer(layering, b)}, a higher layer`,
      });
    else if (la === lb)
      out.push({
        rule: 'peer',
        where,
        message: `${where}: ${a} and ${b} share layer ${la} (${layering.names[la] ?? '?'}); peers do not import each other`,
      });
  }
  for (const c of unitCycles(edges))
    out.push({
      rule: 'cycle',
      where: [...c.units, c.units[0]].join(' → '),
      message: `cycle between folders ${[...c.units, c.units[0]].join(' → ')}: ${c.imports
        .map((e) => `${e.from} → ${e.to}`)
        .join('; ')}`,
    });
  return out;
}
