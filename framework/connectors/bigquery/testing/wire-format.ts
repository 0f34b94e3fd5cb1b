/**
 * How the BigQuery REST fake encodes DuckDB results as the API does: a TableFieldSchema per
 * column and every cell as `{v: text}` — INT64 as digits, FLOAT64 with 'NaN'/'Infinity',
 * DATE as 'YYYY-MM-DD', DATETIME as ISO text, TIMESTAMP as int64 microseconds (when
 * `formatOptions.useInt64Timestamp`) or float seconds, BOOL as 'true'/'false', JSON as text,
 * BYTES (a BLOB) as base64, TIME as 'HH:MM:SS.ffffff'.
 * A STRUCT is a RECORD, its cell `{v: {f: [{v}, …]}}`; a LIST is a REPEATED field, its cell
 * `{v: [{v}, …]}` (`[]` for NULL, as BigQuery returns no NULL array); members are encoded as
 * columns are.
 */
import { DuckDBListType, DuckDBStructType, type DuckDBType } from '@duckdb/node-api';
import { sqlLiteral } from '../../shared/sql-dialect.js';
import type { BigQueryField } from '../values.js';

export interface WireColumn {
  field: BigQueryField;
  /** DuckDB expression over column reference `ref` giving the cell text. */
  select(ref: string, int64Timestamps: boolean): string;
  /** The cell's `v` from the selected text (a RECORD or REPEATED field's from its JSON); otherwise the text. */
  cell?(text: string | null): unknown;
}

const INTEGER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/;

function column(name: string, type: string, select: WireColumn['select']): WireColumn {
  return { field: { name, type, mode: 'NULLABLE' }, select };
}

const text = (ref: string): string => `CAST(${ref} AS VARCHAR)`;

/** The wire encoding for a DuckDB column of a scalar type named `duckType`. */
function scalarColumn(name: string, duckType: string): WireColumn {
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
    case 'BLOB':
      return column(name, 'BYTES', (ref) => `to_base64(${ref})`);
    case 'TIME':
      return column(name, 'TIME', (ref) => `strftime(DATE '2000-01-01' + ${ref}, '%H:%M:%S.%f')`);
    default:
      return column(name, 'STRING', text);
  }
}

/** A member of a nested column: its field, a DuckDB value with text leaves, and its cell from that value's JSON. */
interface Member {
  field: BigQueryField;
  value(ref: string, int64Timestamps: boolean): string;
  cell(json: unknown): unknown;
}

/** DuckDB's name of a scalar type (JSON is a VARCHAR with that alias). */
const typeName = (type: DuckDBType) => (type.alias === 'JSON' ? 'JSON' : type.toString());

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

function member(name: string, type: DuckDBType, depth: number): Member {
  if (type instanceof DuckDBStructType) {
    const members = type.entryNames.map((entry, i) => member(entry, type.entryTypes[i], depth + 1));
    return {
      field: { name, type: 'RECORD', mode: 'NULLABLE', fields: members.map((m) => m.field) },
      value: (ref, int64) =>
        `CASE WHEN ${ref} IS NOT NULL THEN struct_pack(${members
          .map(
            (m) =>
              `${quoted(m.field.name)} := ${m.value(`struct_extract(${ref}, ${sqlLiteral(m.field.name)})`, int64)}`,
          )
          .join(', ')}) END`,
      cell: (json) =>
        json === null
          ? null
          : { f: members.map((m) => ({ v: m.cell((json as Record<string, unknown>)[m.field.name]) })) },
    };
  }
  if (type instanceof DuckDBListType) {
    const element = member(name, type.valueType, depth + 1);
    if (element.field.mode === 'REPEATED') throw new Error(`column ${name}: BigQuery has no array of arrays`);
    const x = `x${depth}`;
    return {
      field: { ...element.field, mode: 'REPEATED' },
      value: (ref, int64) => `list_transform(${ref}, ${x} -> ${element.value(x, int64)})`,
      cell: (json) => ((json ?? []) as unknown[]).map((e) => ({ v: element.cell(e) })),
    };
  }
  const scalar = scalarColumn(name, typeName(type));
  return { field: scalar.field, value: scalar.select, cell: (json) => json ?? null };
}

/** The wire encoding for a DuckDB column of type `type`. */
export function wireColumn(name: string, type: DuckDBType): WireColumn {
  if (!(type instanceof DuckDBStructType) && !(type instanceof DuckDBListType))
    return scalarColumn(name, typeName(type));
  const nested = member(name, type, 0);
  return {
    field: nested.field,
    select: (ref, int64) => `CAST(to_json(${nested.value(ref, int64)}) AS VARCHAR)`,
    cell: (text) => nested.cell(text === null ? null : JSON.parse(text)),
  };
}
