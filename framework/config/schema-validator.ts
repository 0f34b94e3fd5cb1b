/**
 * Validates one module's exported value against its definition in the generated schema,
 * turning ajv's errors into diagnostics that name the file and the field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { error } from '../diagnostics/diagnostic.js';
import { packageRoot } from '../util/package-root.js';
import { closestName } from '../diagnostics/suggest.js';
import { describeFormat } from './formats.js';
import { internalError } from '../diagnostics/errors.js';

const SCHEMA_ID = 'wharf';

/** ajv's options for the schema; scripts/write-validators.mjs compiles with the same. */
const AJV_OPTIONS = { allErrors: true, strict: false, verbose: true } as const;
/** Written by the build next to the compiled form of this file (absent beside the sources). */
const PRECOMPILED = fileURLToPath(new URL('./schema-validators.cjs', import.meta.url));
const require = createRequire(import.meta.url);

let ajv: AjvType | undefined;
let precompiled: Record<string, ValidateFunction> | null | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(definition: string): ValidateFunction {
  precompiled ??= existsSync(PRECOMPILED) ? (require(PRECOMPILED) as Record<string, ValidateFunction>) : null;
  let fn = precompiled ? precompiled[definition] : compiled.get(definition);
  if (!fn && !precompiled) {
    ajv ??= schemaAjv();
    fn = ajv.getSchema(`${SCHEMA_ID}#/definitions/${definition}`);
    if (fn) compiled.set(definition, fn);
  }
  if (!fn) throw internalError(`The schema has no definition '${definition}'; run npm run schema.`);
  return fn;
}

/** An ajv instance holding the schema, compiling definitions when first asked for. */
function schemaAjv(): AjvType {
  const instance = newAjv();
  const schema = JSON.parse(readFileSync(join(packageRoot(), 'schema', 'wharf.schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  instance.addSchema({ ...schema, $id: SCHEMA_ID });
  return instance;
}

/** ajv is loaded only when something is compiled at run time (sources, plugin schemas). */
function newAjv(): AjvType {
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv(AJV_OPTIONS);
}

/** Validates a value against a schema object (plugin config schemas). */
export function validateAgainst(
  schema: Record<string, unknown>,
  value: unknown,
  file: string,
  prefix = '',
): Diagnostic[] {
  const local = newAjv();
  const fn = local.compile(schema);
  return fn(value) ? [] : toDiagnostics(fn.errors ?? [], file, prefix);
}

/** Validates a value against `#/definitions/<definition>`; `prefix` is the value's own path. */
export function validateDefinition(definition: string, value: unknown, file: string, prefix = ''): Diagnostic[] {
  const fn = validatorFor(definition);
  return fn(value) ? [] : toDiagnostics(fn.errors ?? [], file, prefix);
}

function toDiagnostics(all: ErrorObject[], file: string, prefix: string): Diagnostic[] {
  const errors = matchingKindOnly(all);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  const renamed = misspelledFields(errors);
  const intended = new Set([...renamed].map(([key, name]) => `${key.slice(0, key.lastIndexOf('/'))}/${name}`));
  for (const e of errors) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    // A missing field that an unknown field misspells is reported once, with the unknown one.
    if (
      e.keyword === 'required' &&
      intended.has(`${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`)
    )
      continue;
    const d = describe(e, file, prefix, renamed);
    const key = `${d.field}|${d.summary}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}

/**
 * In a union told apart by `kind` (the store, notifiers), the errors of the branches of
 * another kind only confuse ("Must be "duckdb"", "Unknown field 'url'"): when one branch has
 * the value's kind, only its errors are kept. A branch is known by the schema path prefix of
 * its failed `kind` const.
 */
function matchingKindOnly(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && Array.isArray(e.schema));
  const dropped: { path: string; branch: string }[] = [];
  for (const union of unions) {
    const wrong = errors.filter((e) => e.keyword === 'const' && e.instancePath === `${union.instancePath}/kind`);
    if (wrong.length === 0 || wrong.length >= (union.schema as unknown[]).length) continue;
    for (const e of wrong)
      dropped.push({ path: union.instancePath, branch: e.schemaPath.replace(/properties\/kind\/const$/, '') });
  }
  const inDropped = (e: ErrorObject) =>
    dropped.some((d) => e.instancePath.startsWith(d.path) && e.schemaPath.startsWith(d.branch));
  return dropped.length ? errors.filter((e) => !inDropped(e)) : errors;
}

/**
 * Pairs each unknown field with the missing (or else allowed) field it most likely
 * misspells: `<instancePath>/<unknown>` → the intended field's name.
 */
function misspelledFields(errors: ErrorObject[]): Map<string, string> {
  const missing = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'required')
      missing.set(e.instancePath, [
        ...(missing.get(e.instancePath) ?? []),
        (e.params as { missingProperty: string }).missingProperty,
      ]);
  }
  const out = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue;
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const present = e.data !== null && typeof e.data === 'object' ? Object.keys(e.data as object) : [];
    const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter(
      (k) => !present.includes(k),
    );
    const intended = closestName(extra, missing.get(e.instancePath) ?? []) ?? closestName(extra, allowed);
    if (intended !== undefined) out.set(`${e.instancePath}/${extra}`, intended);
  }
  return out;
}

function joinPath(prefix: string, pointer: string, extra?: string): string | undefined {
  const parts = [
    ...(prefix ? [prefix] : []),
    ...pointer
      .split('/')
      .filter(Boolean)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')),
    ...(extra ? [extra] : []),
  ];
  return parts.length ? parts.join('.') : undefined;
}

/** The value a rule rejected, for the message: `'9am'`, `1.5`. */
function shown(value: unknown): string {
  return JSON.stringify(value)?.replace(/^"(.*)"$/, "'$1'") ?? String(value);
}

function describe(e: ErrorObject, file: string, prefix: string, renamed: Map<string, string>): Diagnostic {
  const field = joinPath(prefix, e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const intended = renamed.get(`${e.instancePath}/${extra}`);
      return error(
        'schema.unknown-field',
        intended ? `Unknown field '${extra}'. Did you mean '${intended}'?` : `Unknown field '${extra}'.`,
        {
          file,
          field: joinPath(prefix, e.instancePath, extra),
          hint: intended
            ? `Rename '${extra}' to '${intended}'.`
            : 'Check the spelling against the documented fields (your editor autocompletes them), or remove it.',
        },
      );
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return error('schema.missing-field', `Required field '${missing}' is missing.`, {
        file,
        field: joinPath(prefix, e.instancePath, missing),
        hint: `Add '${missing}'.`,
      });
    }
    default:
      return describeValue(e, file, field);
  }
}

/** A rule about a value (its type, pattern, range, allowed values), on `field`. */
function describeValue(e: ErrorObject, file: string, field: string | undefined): Diagnostic {
  switch (e.keyword) {
    case 'enum':
      return error(
        'schema.enum',
        `Must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}.`,
        { file, field },
      );
    case 'const':
      return error('schema.const', `Must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}.`, {
        file,
        field,
      });
    case 'pattern':
      return error(
        'schema.pattern',
        `${shown(e.data)} is not ${describeFormat((e.params as { pattern: string }).pattern)}.`,
        { file, field },
      );
    case 'type':
      return error(
        'schema.type',
        `Must be ${(e.params as { type: string }).type === 'integer' ? 'a whole number' : `of type ${(e.params as { type: string }).type}`} (got ${shown(e.data)}).`,
        { file, field },
      );
    case 'minimum':
    case 'maximum':
      return error(
        `schema.${e.keyword}`,
        `Must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${(e.params as { limit: number }).limit} (got ${shown(e.data)}).`,
        { file, field },
      );
    case 'minLength':
      return error(
        'schema.minLength',
        (e.params as { limit: number }).limit === 1
          ? 'Must not be empty.'
          : `Must be at least ${(e.params as { limit: number }).limit} characters long.`,
        { file, field },
      );
    default:
      return error(`schema.${e.keyword}`, `Value ${e.message ?? 'is invalid'}.`, { file, field });
  }
}
