/**
 * Canonical JSON, the one implementation: object keys sorted, `undefined` dropped. Hashes of
 * config and plans are taken over this form, so they depend on content only, never on key
 * order in a module. Stored state and plan files hold such hashes: the form must not change.
 */
import { createHash } from 'node:crypto';
import { compareText } from './text-order.js';

/** Serializes `value` with sorted keys (and no whitespace unless `indent` is given). */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/** A deep copy of `value` with object keys sorted and undefined members removed. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortKeys(member);
  }
  return out as T;
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function hashOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

/**
 * The older canonical form, with keys in en-US collation order (compareText; it differs from
 * `canonicalJson` for mixed-case keys, e.g. `Zeta` sorts last here). A bare `localeCompare`
 * used to take the host's own locale, so a Czech or Danish host could hash a mapping apart. The mapping config hash
 * (engine/config-hash.ts) is taken over this form and stored with every loaded day in the
 * ledger, so it must stay byte for byte as it is; new code uses `canonicalJson`.
 */
export function localeOrderedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(localeOrderedJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareText(a, b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${localeOrderedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
