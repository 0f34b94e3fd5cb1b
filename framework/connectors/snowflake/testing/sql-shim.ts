/**
 * The protocol fake runs Snowflake SQL on DuckDB through a translation of the Snowflake
 * dialect (shared/testing/sql-translate.ts), so a statement runs as Snowflake reads it. The
 * one construct with no DuckDB counterpart, HASH_AGG(*), is emulated: it is swapped for a
 * placeholder the translation carries through, then for a DuckDB digest of the same shape.
 */
import { toDuckDB as translateToDuckDB } from '../../shared/testing/sql-translate.js';

const PLACEHOLDER = 'WHARF_FAKE_HASH_AGG';

// HASH_AGG(*): an order-independent 64-bit digest of the rows of alias wharf_q.
const HASH_AGG = 'CAST(COALESCE(SUM(hash(wharf_q)) % 9223372036854775807, 0) AS BIGINT)';

/** DuckDB SQL for a Snowflake statement. */
export async function toDuckDB(sql: string): Promise<string> {
  const translated = await translateToDuckDB(sql.replace(/\bHASH_AGG\(\*\)/gi, `${PLACEHOLDER}()`), 'snowflake');
  return translated.replace(new RegExp(`\\b${PLACEHOLDER}\\(\\)`, 'gi'), HASH_AGG);
}
