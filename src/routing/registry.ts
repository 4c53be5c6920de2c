import type { z } from 'zod';
import type { Filter, Picker, Scorer } from './contracts.js';

export type PluginKind = 'filter' | 'scorer' | 'picker';
type PluginOf<K extends PluginKind> = K extends 'filter' ? Filter : K extends 'scorer' ? Scorer : Picker;

/** A plugin type: its name, what it does, its parameter schema, and the factory making instances. */
export interface PluginType<K extends PluginKind = PluginKind> {
  readonly kind: K;
  readonly type: string;
  readonly summary: string;
  readonly params: z.ZodType;
  create(params: never): PluginOf<K>;
}

/** Declares a plugin type with typed parameters. */
export function definePlugin<K extends PluginKind, S extends z.ZodType>(def: {
  kind: K;
  type: string;
  summary: string;
  params: S;
  create(params: z.output<S>): PluginOf<K>;
}): PluginType<K> {
  return def as unknown as PluginType<K>;
}

/**
 * Plugin types by name. Profiles refer to plugin instances by name; each instance names its type here.
 * Not a process-global: build one with `defaultRegistry()` and add your own types to it.
 */
export class PluginRegistry {
  private readonly types = new Map<string, PluginType>();

  register(def: PluginType): this {
    if (this.types.has(def.type)) throw new Error(`plugin type "${def.type}" is registered twice`);
    this.types.set(def.type, def);
    return this;
  }

  get(type: string): PluginType | undefined {
    return this.types.get(type);
  }

  list(kind?: PluginKind): PluginType[] {
    return [...this.types.values()].filter((d) => kind === undefined || d.kind === kind);
  }
}
