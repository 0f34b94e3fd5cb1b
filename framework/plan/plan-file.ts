/**
 * Saved plan files (`ingest plan --out plan.json`): the plan's canonical JSON. Reading checks
 * the format version and the shape, naming the file in every error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { WharfError } from '../diagnostics/errors.js';
import { canonicalJson } from '../util/canonical-json.js';
import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

/** The plan as saved: canonical JSON, indented, newline-terminated. */
export function serializePlan(plan: Plan): string {
  return `${canonicalJson(plan, 2)}\n`;
}

/** Parses a saved plan's text; `file` names it in errors. */
export function parsePlan(text: string, file: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalid(file, `it is not valid JSON (${(err as Error).message})`);
  }
  const p = value as Partial<Plan>;
  if (!p || typeof p !== 'object' || typeof p.formatVersion !== 'number')
    throw invalid(file, 'formatVersion is missing; is this a file written by `ingest plan --out`?');
  if (p.formatVersion !== PLAN_FORMAT_VERSION)
    throw invalid(
      file,
      `formatVersion ${p.formatVersion} is not the version this Wharf reads (${PLAN_FORMAT_VERSION})`,
    );
  if (
    !p.state ||
    typeof p.state.serial !== 'number' ||
    typeof p.configHash !== 'string' ||
    !Array.isArray(p.changes) ||
    !p.summary
  ) {
    throw invalid(file, 'state, configHash, changes or summary is missing');
  }
  return p as Plan;
}

export function readPlanFile(path: string, displayName: string): Plan {
  if (!existsSync(path)) throw invalid(displayName, 'the file does not exist');
  return parsePlan(readFileSync(path, 'utf8'), displayName);
}

export function writePlanFile(path: string, plan: Plan): void {
  writeFileSync(path, serializePlan(plan));
}

function invalid(file: string, why: string): WharfError {
  return new WharfError(`The plan file ${file} cannot be applied: ${why}.`, {
    code: 'plan.file-invalid',
    errorClass: 'state',
    hint: 'Make a new one with `ingest plan --out <file>`.',
  });
}
