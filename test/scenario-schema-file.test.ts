import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchemaText } from '../src/scenario/json-schema.js';
import { ROOT } from './support/shared-data.js';

describe('scenarios/scenario.schema.json', () => {
  it('is up to date with src/scenario/schema.ts (regenerate: npm run build && node scripts/gen-schema.mjs)', () => {
    const committed = readFileSync(join(ROOT, 'scenarios', 'scenario.schema.json'), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('is a strict draft 2020-12 schema requiring the core sections', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'seed', 'durationS', 'network', 'models', 'demand']);
  });
});
