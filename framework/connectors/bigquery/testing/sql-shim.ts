/**
 * The REST fake runs GoogleSQL on DuckDB through a translation of the BigQuery dialect
 * (shared/testing/sql-translate.ts), so a query runs as BigQuery reads it (a `"x"` is a
 * string, SAFE_CAST is TRY_CAST, and so on). Two constructs have no DuckDB counterpart and
 * are emulated around the translation: the row digest FARM_FINGERPRINT(TO_JSON_STRING(row))
 * (a placeholder the translation carries through, then DuckDB's hash of the row) and
 * BIGNUMERIC (HUGEINT, wide enough for the sums of 64-bit digests Wharf takes).
 */
import { toDuckDB as translateToDuckDB } from '../../shared/testing/sql-translate.js';

const PLACEHOLDER = 'WHARF_FAKE_ROW_DIGEST';

/** DuckDB SQL for a GoogleSQL query. */
export async function toDuckDB(sql: string): Promise<string> {
  const marked = sql.replace(/\bFARM_FINGERPRINT\(TO_JSON_STRING\((\w+)\)\)/gi, `${PLACEHOLDER}($1)`);
  const translated = await translateToDuckDB(marked, 'bigquery');
  return translated
    .replace(new RegExp(`\\b${PLACEHOLDER}\\((\\w+)\\)`, 'gi'), 'hash($1)')
    .replace(/\bAS BIGNUMERIC\)/gi, 'AS HUGEINT)');
}
