/**
 * The protocol fake runs Snowflake SQL on DuckDB. The two dialects agree on everything Wharf
 * sends except these few spellings, which are rewritten literally; anything else reaches
 * DuckDB unchanged, so an unsupported construct fails loudly instead of being emulated.
 */
const REWRITES: Array<[RegExp, string]> = [
  [/::TIMESTAMP_TZ\b/g, '::TIMESTAMPTZ'],
  [/::TIMESTAMP_NTZ\b/g, '::TIMESTAMP'],
  [/\bAS TIMESTAMP_TZ\)/g, 'AS TIMESTAMPTZ)'],
  // HASH_AGG(*): an order-independent 64-bit digest of the rows of alias wharf_q.
  [/\bHASH_AGG\(\*\)/g, 'CAST(COALESCE(SUM(hash(wharf_q)) % 9223372036854775807, 0) AS BIGINT)'],
];

/** DuckDB SQL for a Snowflake statement Wharf sends. */
export function toDuckDB(sql: string): string {
  return REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), sql);
}

/** `ALTER SESSION …` and `USE …` only change session state the fake does not model. */
export function isSessionStatement(sql: string): boolean {
  return /^\s*(ALTER\s+SESSION|USE)\b/i.test(sql);
}
