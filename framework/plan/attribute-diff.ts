/**
 * Attribute-level differences between two normalized ingestions: each leaf (arrays count as
 * one value) compared by canonical JSON, reported by its dotted path. The SQL text is listed
 * without its values; the plan carries it as a unified diff instead.
 */
import { canonicalJson } from '../util/canonical-json.js';
import type { AttributeDiff } from './types.js';

/** The path of the SQL text attribute; its before/after values are omitted from the diff. */
export const SQL_TEXT_PATH = 'sqlText';

/** Every attribute that differs, sorted by path. */
export function diffAttributes(before: object | null, after: object | null): AttributeDiff[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: AttributeDiff[] = [];
  for (const path of paths) {
    const diff = diffOne(path, a.get(path), b.get(path));
    if (diff) out.push(diff);
  }
  return out;
}

function diffOne(path: string, before: unknown, after: unknown): AttributeDiff | null {
  if (before !== undefined && after !== undefined && canonicalJson(before) === canonicalJson(after)) return null;
  const action = before === undefined ? 'add' : after === undefined ? 'remove' : 'change';
  if (path === SQL_TEXT_PATH) return { path, action };
  return { path, action, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) };
}

/** Leaves of an object by dotted path. */
export function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value === null || value === undefined) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    out.set(prefix, value);
    return out;
  }
  for (const [key, member] of Object.entries(value)) flatten(member, prefix ? `${prefix}.${key}` : key, out);
  return out;
}
