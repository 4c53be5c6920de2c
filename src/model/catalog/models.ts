import { Model } from '../model.js';
import { modelFromSpec } from './derive.js';
import { MODEL_SPECS } from './specs.js';

/** The name scenario files use for this catalog: `models: { catalog: builtin }`. */
export const BUILTIN_CATALOG = 'builtin';

/** Every built-in model, performance derived from its spec (see `derive.ts`), in popularity order. */
export const BUILTIN_MODELS: readonly Model[] = Object.freeze(
  MODEL_SPECS.map((s) => Model.parse(modelFromSpec(s))),
);

const BY_ID: ReadonlyMap<string, Model> = new Map(BUILTIN_MODELS.map((m) => [m.id, m]));

/** The built-in model with this id, or undefined. */
export function builtinModel(id: string): Model | undefined {
  return BY_ID.get(id);
}
