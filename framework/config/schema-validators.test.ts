/**
 * The built CLI validates with ajv standalone code generated at build time
 * (dist/config/schema-validators.cjs, see scripts/write-validators.mjs); the sources compile
 * the schema with ajv at run time. Both must judge every value the same, errors included.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(new URL('../schema/wharf.schema.json', import.meta.url), 'utf8')) as {
  definitions: Record<string, unknown>;
};
// Written by the build (the test run's global setup runs it).
const precompiled = require('../dist/config/schema-validators.cjs') as Record<string, ValidateFunction>;

const runtime = new Ajv({ allErrors: true, strict: false, verbose: true });
runtime.addSchema({ ...schema, $id: 'wharf' });

const SAMPLES: [string, unknown][] = [
  ['ProjectConfig', { name: 'demo', store: { kind: 'duckdb', path: '.wharf/store.duckdb' }, timeZone: 'PST' }],
  ['ProjectConfig', { name: 'Demo', store: { kind: 'mysql' }, timeZon: 'PST', recheck: { days: -1 } }],
  ['ProjectConfig', {}],
  ['DuckDBSource', { kind: 'duckdb', name: 'demo', path: 'x.duckdb', generate: 'demo' }],
  ['DuckDBSource', { kind: 'duckdb', name: 'demo', pahth: 'x.duckdb' }],
  ['SnowflakeSource', { kind: 'snowflake', name: 'prod', account: 1, password: 'literal' }],
  ['ExperimentConfig', { name: 'x', groups: 'control' }],
];

describe('precompiled schema validators', () => {
  it('exist for every definition of the schema', () => {
    expect(Object.keys(precompiled).sort()).toEqual(Object.keys(schema.definitions).sort());
  });

  it.each(SAMPLES)('judge a %s value as ajv does at run time', (definition, value) => {
    const atRunTime = runtime.getSchema(`wharf#/definitions/${definition}`)!;
    const expected = atRunTime(value);
    const built = precompiled[definition]!;
    expect(built(value)).toBe(expected);
    expect(built.errors ?? null).toEqual(atRunTime.errors ?? null);
  });
});
