import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UnreadableFileError } from '../errors.js';
import { loadYamlFile, parseYaml, readTextFile } from './yaml-file.js';

const dir = mkdtempSync(join(tmpdir(), 'meridian-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('parseYaml', () => {
  it('reports a syntax error at line 2, column 4 ("b: c: d": a mapping nested in a compact one)', () => {
    const e = errorOf(() => parseYaml('a: 1\nb: c: d\n', 'f.yaml'));
    expect(e).toBeInstanceOf(InputError);
    const issue = (e as InputError).issues[0]!;
    expect(issue.line).toBe(2);
    expect(issue.message).toMatch(/^YAML syntax error at line 2, column 4: /);
    expect((e as InputError).message).toMatch(/^f\.yaml:2: /);
  });

  it('finds the line of a nested value (line 4), and of its nearest parent for a missing one (line 3)', () => {
    const y = parseYaml('name: x\nnodes:\n  - id: a\n    lat: 5\n', 'f.yaml');
    expect(y.data).toEqual({ name: 'x', nodes: [{ id: 'a', lat: 5 }] });
    expect(y.lineOf(['nodes', 0, 'lat'])).toBe(4);
    expect(y.lineOf(['nodes', 0, 'lon'])).toBe(3);
  });
});

describe('readTextFile and loadYamlFile', () => {
  it('throw UnreadableFileError naming the file, what it is and "no such file" for a missing file', () => {
    const file = join(dir, 'missing.yaml');
    const e = errorOf(() => loadYamlFile(file, 'worker profile'));
    expect(e).toBeInstanceOf(UnreadableFileError);
    expect((e as UnreadableFileError).file).toBe(file);
    expect((e as Error).message).toBe(`${file}: cannot read worker profile (no such file)`);
  });

  it('say "is a directory" for a directory', () => {
    expect(() => readTextFile(dir, 'scenario file')).toThrow(
      `${dir}: cannot read scenario file (is a directory)`,
    );
  });

  it('read a file into data with lines', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'a: 1\nb:\n  c: 2\n');
    const y = loadYamlFile(file, 'config file');
    expect(y.data).toEqual({ a: 1, b: { c: 2 } });
    expect(y.lineOf(['b', 'c'])).toBe(3);
  });
});
