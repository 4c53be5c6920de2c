import { InputError, type InputIssue } from '../errors.js';
import type { Model } from '../model/model.js';
import type { Node } from '../model/node.js';
import { formatPath, parseOrThrow } from '../model/validate.js';
import { resolveExplicitNode } from '../scenario/explicit-nodes.js';
import { IssueList } from '../scenario/issues.js';
import { ExplicitNodeInput } from '../scenario/schema.js';
import { parseYaml, readTextFile } from '../util/yaml-file.js';

/**
 * The `--node` argument of `meridian score-node`: inline JSON, or `@FILE` (JSON or YAML). The node is
 * written like a node listed in a scenario file: only `provider` is required among the labels (asn,
 * datacenter, country and operator are filled from the catalogs), lat/lon default to the metro's, memory
 * to the accelerator datasheet. Errors name the source, the path inside the node and the value.
 */
export function parseNodeArg(arg: string, models: readonly Model[]): Node {
  let source = '--node';
  let text = arg;
  if (arg.startsWith('@')) {
    source = arg.slice(1);
    text = readTextFile(source, 'node file');
  }
  if (text.trim() === '')
    throw new InputError(source, [{ path: '', message: 'empty; expected a node object' }]);
  let data: unknown;
  let lineOf: ((path: readonly PropertyKey[]) => number | undefined) | undefined;
  if (source === '--node') {
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new InputError(source, [{ path: '', message: `not valid JSON: ${(e as Error).message}` }], {
        cause: e,
      });
    }
  } else {
    const yaml = parseYaml(text, source);
    data = yaml.data;
    lineOf = yaml.lineOf;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(source, [{ path: '', message: 'expected a node object', value: data }]);
  }
  const input = parseOrThrow(ExplicitNodeInput, data, source, lineOf);
  const issues = new IssueList();
  const node = resolveExplicitNode(input, 0, new Map(models.map((m) => [m.id, m])), issues);
  if (node === undefined || issues.size > 0) {
    throw new InputError(
      source,
      issues.items.map((item): InputIssue => {
        const out: InputIssue = { path: formatPath(item.path.slice(3)), message: item.message };
        if ('value' in item) out.value = item.value;
        return out;
      }),
    );
  }
  return node;
}
