import { builtinModel } from '../model/catalog/models.js';

/**
 * Maps a backend's model name to a catalog id: an explicit mapping wins; otherwise the last path segment,
 * lower-cased, without a `.gguf` suffix or an Ollama `:latest` tag, when the built-in catalog knows it;
 * otherwise the name made id-safe (the coordinator serves only models its catalog knows).
 */
export function catalogId(name: string, explicit: ReadonlyMap<string, string> = new Map()): string {
  const mapped = explicit.get(name);
  if (mapped !== undefined) return mapped;
  const base = (name.split('/').pop() ?? name)
    .toLowerCase()
    .replace(/\.gguf$/, '')
    .replace(/:latest$/, '');
  if (builtinModel(base) !== undefined) return base;
  const safe = name.replace(/[^A-Za-z0-9._:/@+-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return safe === '' ? 'unnamed' : safe.slice(0, 200);
}
