import { z } from 'zod';
import { ScenarioFile } from './schema.js';

/**
 * The JSON Schema of a scenario file as written (input side: defaults optional, shorthands allowed), for
 * editors (`# yaml-language-server: $schema=./scenario.schema.json`). Reference checks (unknown metros,
 * models, providers) are not expressible in it; `meridian scenario validate` does those.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioFile, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    title: 'meridian scenario',
    description:
      'A meridian scenario: network (listed nodes and generators), models, datasets, demand, failures and policies. Generated from src/scenario/schema.ts by scripts/gen-schema.mjs; do not edit.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** The file content of `scenarios/scenario.schema.json`. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
