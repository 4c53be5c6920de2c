import { BUILTIN_MODELS, builtinModel } from '../model/catalog/models.js';
import { type Model, Model as ModelSchema } from '../model/model.js';
import type { IssueList } from './issues.js';
import type { ModelsInput } from './schema.js';

/** The scenario's models in popularity order: catalog models (included or all), then custom ones. */
export function resolveModels(input: ModelsInput, issues: IssueList): Model[] {
  const out: Model[] = [];
  const seen = new Map<string, string>();
  if (input.catalog !== undefined) {
    if (input.include !== undefined) {
      input.include.forEach((id, i) => {
        const m = builtinModel(id);
        if (m === undefined) {
          issues.addValue(['models', 'include', i], `unknown built-in model${suggest(id)}`, id);
        } else if (seen.has(id)) {
          issues.addValue(['models', 'include', i], 'listed twice', id);
        } else {
          seen.set(id, 'the built-in catalog');
          out.push(m);
        }
      });
    } else {
      const excluded = new Set(input.exclude ?? []);
      input.exclude?.forEach((id, i) => {
        if (builtinModel(id) === undefined) {
          issues.addValue(['models', 'exclude', i], `unknown built-in model${suggest(id)}`, id);
        }
      });
      for (const m of BUILTIN_MODELS) {
        if (excluded.has(m.id)) continue;
        seen.set(m.id, 'the built-in catalog');
        out.push(m);
      }
    }
  }
  input.custom.forEach((raw, i) => {
    const before = seen.get(raw.id);
    if (before !== undefined) {
      issues.addValue(['models', 'custom', i, 'id'], `duplicate model id (already in ${before})`, raw.id);
      return;
    }
    seen.set(raw.id, `models.custom[${i}]`);
    out.push(ModelSchema.parse(raw));
  });
  return out;
}

/** ` (did you mean "x"?)` for the closest catalog id sharing a prefix, else a short hint. */
function suggest(id: string): string {
  const stem = id.toLowerCase().split(/[-.]/)[0] ?? '';
  const near = BUILTIN_MODELS.map((m) => m.id).filter((m) => stem !== '' && m.startsWith(stem));
  if (near.length > 0) return ` (built-in ids starting with "${stem}": ${near.slice(0, 6).join(', ')})`;
  return ' (see the ids in src/model/catalog/specs.ts)';
}
