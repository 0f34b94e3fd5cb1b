/** DuckDB column types → the engine's logical types, and result values → Row values. */
import { DuckDBTypeId } from '../../util/duckdb-api.js';
import { isClientTextTypeId } from '../../util/duckdb-values.js';
import type { LogicalType } from '../types.js';

const INTEGERS = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.BIGNUM,
]);
const TIMESTAMPS = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
]);

/** UUIDs and ENUMs, whose row-path value is their text (besides isClientTextTypeId's). */
const TEXT_VALUED = new Set([DuckDBTypeId.VARCHAR, DuckDBTypeId.UUID, DuckDBTypeId.ENUM]);

/** `alias` is the type's alias (JSON columns are VARCHARs with the alias `JSON`). */
export function logicalType(typeId: DuckDBTypeId, alias?: string): LogicalType {
  if (alias === 'JSON') return 'json';
  // A string on the row path (util/duckdb-values.ts SOURCE_VALUE_CONVERTER), which the export writes too.
  if (TEXT_VALUED.has(typeId) || isClientTextTypeId(typeId)) return 'string';
  if (INTEGERS.has(typeId)) return 'integer';
  if (typeId === DuckDBTypeId.DOUBLE || typeId === DuckDBTypeId.FLOAT || typeId === DuckDBTypeId.DECIMAL)
    return 'double';
  if (typeId === DuckDBTypeId.DATE) return 'date';
  if (TIMESTAMPS.has(typeId)) return 'timestamp';
  if (typeId === DuckDBTypeId.BOOLEAN) return 'boolean';
  if (typeId === DuckDBTypeId.STRUCT || typeId === DuckDBTypeId.MAP || typeId === DuckDBTypeId.LIST) return 'json';
  return 'other';
}
