import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { InputError, UnreadableFileError } from '../errors.js';

/**
 * The one way meridian reads a YAML file the user names: scenarios, the server config, routing profiles,
 * worker profiles, fleet files and node descriptors all go through `loadYamlFile`.
 * - A file that cannot be read (missing, a directory, no permission) → `UnreadableFileError` (exit 2).
 * - A syntax error → `InputError` naming the file, line and column.
 * - Otherwise the data, with `lineOf(path)` so that schema errors can name their line too.
 */

/** A parsed YAML document: its plain data and a way to find the line of any path inside it. */
export interface YamlSource {
  data: unknown;
  /** Line (1-based) of the value at `path`, or of its nearest existing parent. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Parses YAML text; a syntax error becomes an InputError naming line and column. */
export function parseYaml(text: string, source: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      source,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position';
        const what = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
        return pos
          ? { path: '', message: `YAML syntax error at ${where}: ${what}`, line: pos.line }
          : { path: '', message: `YAML syntax error: ${what}` };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 10_000 });
  const lineOf = (path: readonly PropertyKey[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return { data, lineOf };
}

/** The text of a file the user named, or `UnreadableFileError` naming it and what it was meant to be. */
export function readTextFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UnreadableFileError(file, what, { cause: e });
  }
}

/** Reads and parses a YAML file (`what` names it in the error for an unreadable file, e.g. "worker profile"). */
export function loadYamlFile(file: string, what: string): YamlSource {
  return parseYaml(readTextFile(file, what), file);
}
