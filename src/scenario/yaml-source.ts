import { isNode, LineCounter, parseDocument } from 'yaml';
import { InputError } from '../errors.js';

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
