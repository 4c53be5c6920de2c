import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkImports,
  type ImportEdge,
  importEdges,
  type Layering,
  parseLayering,
  relativeSpecifiers,
  unitCycles,
  unitsIn,
} from './support/architecture.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');

describe('the import rules of docs/architecture.md hold for src/', () => {
  const layering = parseLayering(DOC);
  const edges = importEdges(ROOT);

  it('gives every folder under src/ a layer (the table has at least 20 rows)', () => {
    expect(layering.layerOf.size).toBeGreaterThanOrEqual(20);
    const messages = checkImports([], layering, unitsIn(ROOT)).map((v) => v.message);
    expect(messages).toEqual([]);
  });

  it('sees the imports it checks (more than 1,000 relative imports in src/)', () => {
    expect(edges.length).toBeGreaterThan(1000);
  });

  it('has no import into a higher layer, none between peers, no cycle between folders', () => {
    const messages = checkImports(edges, layering, unitsIn(ROOT)).map((v) => v.message);
    expect(messages, `\n${messages.join('\n')}\n`).toEqual([]);
  });

  it('keeps agent/ and worker/ off server/: they share the wire format in wire/, a lower layer', () => {
    const offending = edges.filter(
      (e) => /^src\/(agent|worker)\//.test(e.from) && e.to.startsWith('src/server/'),
    );
    expect(offending).toEqual([]);
    expect(layering.layerOf.get('wire')).toBeLessThan(layering.layerOf.get('agent') ?? -1);
  });

  it('keeps no barrel file: no src module consists of re-exports only', () => {
    const barrels = [...new Set(edges.map((e) => e.from))].filter((f) => {
      const code = readFileSync(join(ROOT, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const statements = code
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean);
      return statements.length > 0 && statements.every((s) => /^export\s[\s\S]*\bfrom\s+['"]/.test(s));
    });
    expect(barrels).toEqual([]);
  });
});

/** A tiny layering: base (0) < mid (1) and peer (1) < top (2). */
const TINY: Layering = {
  layerOf: new Map([
    ['base', 0],
    ['mid', 1],
    ['peer', 1],
    ['top', 2],
  ]),
  names: ['base layer', 'middle layer', 'top layer'],
};
const UNITS = ['base', 'mid', 'peer', 'top'];
const edge = (from: string, to: string): ImportEdge => ({ from: `src/${from}`, to: `src/${to}` });

describe('the import-rule checker on a synthetic graph', () => {
  it('accepts downward imports and imports inside a folder (top → mid → base, base → base)', () => {
    const edges = [
      edge('top/a.ts', 'mid/b.ts'),
      edge('mid/b.ts', 'base/c.ts'),
      edge('base/c.ts', 'base/d.ts'),
    ];
    expect(checkImports(edges, TINY, UNITS)).toEqual([]);
  });

  it('names the file, the target and the rule of an upward import (base/c.ts → top/a.ts)', () => {
    const violations = checkImports([edge('base/c.ts', 'top/a.ts')], TINY, UNITS);
    expect(violations).toEqual([
      {
        rule: 'upward',
        where: 'src/base/c.ts → src/top/a.ts',
        message:
          'src/base/c.ts → src/top/a.ts: base (layer 0, base layer) must not import top (layer 2, top layer), a higher layer',
      },
    ]);
  });

  it('rejects an import between peers of layer 1 (mid → peer)', () => {
    const violations = checkImports([edge('mid/b.ts', 'peer/p.ts')], TINY, UNITS);
    expect(violations.map((v) => [v.rule, v.where])).toEqual([['peer', 'src/mid/b.ts → src/peer/p.ts']]);
  });

  it('finds a three-folder cycle mid → peer → top → mid with one witnessing import per step', () => {
    const edges = [
      edge('mid/b.ts', 'peer/p.ts'),
      edge('peer/p.ts', 'top/a.ts'),
      edge('top/a.ts', 'mid/x.ts'),
    ];
    expect(unitCycles(edges)).toEqual([{ units: ['mid', 'peer', 'top'], imports: edges }]);
    const cycle = checkImports(edges, TINY, UNITS).filter((v) => v.rule === 'cycle');
    expect(cycle.map((v) => v.message)).toEqual([
      'cycle between folders mid → peer → top → mid: src/mid/b.ts → src/peer/p.ts; src/peer/p.ts → src/top/a.ts; src/top/a.ts → src/mid/x.ts',
    ]);
  });

  it('reports a cycle even between folders the table does not know (x ↔ y), and both folders as unlisted', () => {
    const edges = [edge('x/a.ts', 'y/b.ts'), edge('y/b.ts', 'x/c.ts')];
    const rules = checkImports(edges, TINY, [...UNITS, 'x', 'y']).map((v) => `${v.rule} ${v.where}`);
    expect(rules).toEqual(['unlisted src/x', 'unlisted src/y', 'cycle x → y → x']);
  });

  it('lets tests, and only tests, import from outside src/ (test helpers)', () => {
    const edges = [
      { from: 'src/base/c.test.ts', to: 'test/support/nodes.ts' },
      { from: 'src/base/c.ts', to: 'test/support/nodes.ts' },
    ];
    expect(checkImports(edges, TINY, UNITS).map((v) => v.rule)).toEqual(['outside-src']);
  });

  it('reads static, type-only, re-export, side-effect and dynamic imports, and skips packages and comments', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "import './side.js';",
      "const d = await import('../d/d.js');",
      "import { z } from 'zod';",
      "// import { e } from './commented.js';",
      "/* import { f } from './block.js'; */",
      'import {\n  g,\n  h,\n} from "./multi.js";',
    ].join('\n');
    expect(relativeSpecifiers(text)).toEqual([
      './a.js',
      '../b/b.js',
      './c.js',
      './side.js',
      '../d/d.js',
      './multi.js',
    ]);
  });

  it('reads the layer table: numbered rows with a folder in backticks, trailing slash dropped', () => {
    const md = [
      '# t',
      '## Layers',
      '| Layer | Folder | Layer name | Owns |',
      '| --- | --- | --- | --- |',
      '| 0 | `errors.ts` | errors | x |',
      '| 1 | `util/` | helpers | y |',
      '## Other',
      '| 5 | `ignored/` | not the layer table | z |',
    ].join('\n');
    const l = parseLayering(md);
    expect([...l.layerOf]).toEqual([
      ['errors.ts', 0],
      ['util', 1],
    ]);
    expect(l.names).toEqual(['errors', 'helpers']);
  });
});
