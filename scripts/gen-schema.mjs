#!/usr/bin/env node
// Writes scenarios/scenario.schema.json from the zod schema in src/scenario/schema.ts.
// Runs on the compiled code: `npm run build && node scripts/gen-schema.mjs` (or the npm script "schema").
// test/scenario-schema-file.test.ts fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../dist/scenario/json-schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'scenarios', 'scenario.schema.json');
writeFileSync(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
