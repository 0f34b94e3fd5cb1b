/**
 * Generates the JSON Schema of the config model from config/types.ts with
 * typescript-json-schema. `npm run schema` writes it to framework/schema/wharf.schema.json
 * (shipped in the package); a test fails when the committed file differs from what the types
 * generate.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as TJS from 'typescript-json-schema';
import { BUILTIN_SOURCE_KINDS, schemaDefinitionOf } from '../../connectors/registry.js';
import { internalError } from '../../diagnostics/errors.js';

export const TYPES_FILE = fileURLToPath(new URL('../types.ts', import.meta.url));
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/wharf.schema.json', import.meta.url));

/** The types users write, each a definition the loader validates one module against. */
export const ROOT_TYPES = [
  'ProjectConfig',
  ...BUILTIN_SOURCE_KINDS.map(schemaDefinitionOf),
  'EventsMapping',
  'MetricsMapping',
  'DailySchedule',
  'ApiSchedule',
  'SignalSchedule',
  'ExperimentConfig',
];

export function generateSchema(): Record<string, unknown> {
  const program = TJS.getProgramFromFiles([TYPES_FILE], { strictNullChecks: true, skipLibCheck: true });
  const generator = TJS.buildGenerator(program, {
    required: true,
    noExtraProps: true,
    strictNullChecks: true,
    ref: true,
    aliasRef: false,
    ignoreErrors: false,
  });
  if (!generator) throw internalError(`Could not build a schema generator for ${TYPES_FILE}`);
  const schema = generator.getSchemaForSymbols([...ROOT_TYPES]) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://wharf.invalid/schema/wharf.schema.json',
    description:
      'Wharf configuration modules. Generated from framework/config/types.ts by `npm run schema`; do not edit.',
    definitions: schema.definitions,
  };
}

export function renderSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderSchema(generateSchema()));
  console.log(`wrote ${SCHEMA_FILE}`);
}
