/**
 * The REST fake runs GoogleSQL on DuckDB. The two agree on what Wharf sends except these
 * spellings, rewritten literally; anything else reaches DuckDB unchanged, so an unsupported
 * construct fails loudly instead of being emulated.
 */
const REWRITES: Array<[RegExp, string]> = [
  // A digest of each row of alias wharf_q (FARM_FINGERPRINT of its JSON in BigQuery).
  [/FARM_FINGERPRINT\(TO_JSON_STRING\(wharf_q\)\)/g, 'hash(wharf_q)'],
  [/\bAS BIGNUMERIC\)/g, 'AS HUGEINT)'],
  [/\bAS STRING\)/g, 'AS VARCHAR)'],
  // SAFE_CAST is DuckDB's TRY_CAST.
  [/\bSAFE_CAST\(/g, 'TRY_CAST('],
  // Backtick-quoted identifiers become double-quoted ones.
  [/`([^`]*)`/g, '"$1"'],
];

/** DuckDB SQL for a GoogleSQL query Wharf sends. */
export function toDuckDB(sql: string): string {
  return REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), sql);
}
