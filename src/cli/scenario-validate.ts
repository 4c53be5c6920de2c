import { formatIssue, formatIssues, type InputIssue, MeridianError } from '../errors.js';
import { PolicyResolver } from '../routing/resolver.js';
import { loadScenarioFile } from '../scenario/load.js';
import { type Command, str } from './command.js';
import { EXIT_OK, EXIT_USAGE } from './exit.js';

const NAME = 'scenario validate';

const HELP = `meridian scenario validate FILE... [--profiles FILE] [--json]

Checks scenario files: YAML syntax, the schema (unknown fields, types, ranges) and every reference
(metros, providers, models, data nodes, node ids), after expanding the generators for the file's seed.
Prints "ok FILE (N nodes, M models)" per valid file and every problem of an invalid one as
FILE:LINE: PATH: MESSAGE (got VALUE). Settings that are valid but will not act as written (e.g. a
verification share no model of the demand supports) are printed as "warning: FILE:LINE: PATH: ..." on
stderr and do not change the exit code. Exit code 2 when any file is invalid.

  --profiles FILE  routing profiles the scenarios' policies may name besides the built-in ones (as for
                   simulate --profiles)
  --json   print {"files": [{"file", "ok", "nodes"?, "models"?, "issues": [{"path", "message",
           "value"?, "line"?}], "warnings": [same fields as issues]}]}`;

interface FileResult {
  file: string;
  ok: boolean;
  nodes?: number;
  models?: number;
  issues: InputIssue[];
  warnings: InputIssue[];
}

/** Loads one file; a user error becomes issues, a bug propagates. */
function check(file: string, policies: readonly string[]): FileResult {
  try {
    const s = loadScenarioFile(file, { policies });
    return {
      file,
      ok: true,
      nodes: s.nodes.length,
      models: s.models.length,
      issues: [],
      warnings: s.warnings,
    };
  } catch (e) {
    if (!(e instanceof MeridianError)) throw e;
    const issues =
      'issues' in e
        ? (e.issues as InputIssue[])
        : [{ path: '', message: e.message.replace(`${file}: `, '') }];
    return { file, ok: false, issues, warnings: [] };
  }
}

/**
 * Validates every file before reporting, so one bad file does not hide the others. Because it reports
 * many files at once, it prints the issues itself and returns exit code 2 (EXIT_USAGE) instead of throwing
 * one InputError, so `--json` output stays a single document.
 */
export const scenarioValidate: Command = {
  name: NAME,
  help: HELP,
  options: { profiles: { type: 'string' } },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY },
  async run(args, io) {
    const policies = PolicyResolver.load(str(args, 'profiles')).names;
    const results = args.positionals.map((file) => check(file, policies));
    if (args.values.json) {
      io.out(JSON.stringify({ files: results }, null, 2));
    } else {
      for (const r of results) {
        for (const w of r.warnings) io.err(`warning: ${formatIssue(r.file, w)}`);
        if (r.ok) io.out(`ok ${r.file} (${r.nodes} nodes, ${r.models} models)`);
        else {
          io.out(`invalid ${r.file} (${r.issues.length} issue${r.issues.length === 1 ? '' : 's'})`);
          io.err(formatIssues(r.file, r.issues));
        }
      }
    }
    return results.every((r) => r.ok) ? EXIT_OK : EXIT_USAGE;
  },
};
