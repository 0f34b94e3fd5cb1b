/**
 * How the BigQuery REST fake encodes DuckDB results as the API does: a TableFieldSchema per
 * column and every cell as `{v: text}` — INT64 as digits, FLOAT64 with 'NaN'/'Infinity',
 * DATE as 'YYYY-MM-DD', DATETIME as ISO text, TIMESTAMP as int64 microseconds (when
 * `formatOptions.useInt64Timestamp`) or float seconds, BOOL as 'true'/'false', JSON as text.
 */
import type { BigQueryField } from '../values.js';

export interface WireColumn {
  field: BigQueryField;
  /** DuckDB expression over column reference `ref` giving the cell text. */
  select(ref: string, int64Timestamps: boolean): string;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

function column(name: string, type: string, select: WireColumn['select']): WireColumn {
  return { field: { name, type, mode: 'NULLABLE' }, select };
}

const text = (ref: string): string => `CAST(${ref} AS VARCHAR)`;

/** The wire encoding for a DuckDB column of type `duckType`. */
export function wireColumn(name: string, duckType: string): WireColumn {
  if (INTEGER_TYPES.test(duckType)) return column(name, 'INTEGER', text);
  if (duckType.startsWith('DECIMAL')) return column(name, 'NUMERIC', text);
  switch (duckType) {
    case 'DOUBLE':
    case 'FLOAT':
      return column(
        name,
        'FLOAT',
        (ref) =>
          `CASE WHEN isnan(${ref}) THEN 'NaN' WHEN isinf(${ref}) AND ${ref} > 0 THEN 'Infinity' WHEN isinf(${ref}) THEN '-Infinity' ELSE CAST(${ref} AS VARCHAR) END`,
      );
    case 'BOOLEAN':
      return column(
        name,
        'BOOLEAN',
        (ref) => `CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} THEN 'true' ELSE 'false' END`,
      );
    case 'DATE':
      return column(name, 'DATE', text);
    case 'TIMESTAMP':
      return column(name, 'DATETIME', (ref) => `strftime(${ref}, '%Y-%m-%dT%H:%M:%S.%f')`);
    case 'TIMESTAMP WITH TIME ZONE':
      return column(name, 'TIMESTAMP', (ref, int64) =>
        int64 ? `CAST(epoch_us(${ref}) AS VARCHAR)` : `CAST(epoch_us(${ref}) / 1000000.0 AS VARCHAR)`,
      );
    case 'JSON':
      return column(name, 'JSON', text);
    default:
      return column(name, 'STRING', text);
  }
}
