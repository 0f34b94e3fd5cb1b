/**
 * PostgreSQL result types → Row values (connectors/types.ts RowValue) and logical types:
 * int8 as number (bigint beyond 2^53), numeric/float as number, DATE as 'YYYY-MM-DD',
 * TIMESTAMP (no zone) read as UTC, TIMESTAMPTZ as its instant, JSON parsed.
 */
import pg from 'pg';
import { pgTypeParsers } from '../../util/pg-types.js';
import type { LogicalType } from '../types.js';

const { types } = pg;
const B = types.builtins;

/** Type parsers for one client, leaving pg's global defaults alone. */
export const ROW_VALUE_TYPES = pgTypeParsers({ jsonAsText: false });

const LOGICAL: Record<number, LogicalType> = {
  [B.TEXT]: 'string',
  [B.VARCHAR]: 'string',
  [B.BPCHAR]: 'string',
  [B.CHAR]: 'string',
  19: 'string',
  [B.INT2]: 'integer',
  [B.INT4]: 'integer',
  [B.INT8]: 'integer',
  [B.FLOAT4]: 'double',
  [B.FLOAT8]: 'double',
  [B.NUMERIC]: 'double',
  [B.DATE]: 'date',
  [B.TIMESTAMP]: 'timestamp',
  [B.TIMESTAMPTZ]: 'timestamp',
  [B.BOOL]: 'boolean',
  [B.JSON]: 'json',
  [B.JSONB]: 'json',
  // pg hands a uuid over as its text, which is also COPY's.
  [B.UUID]: 'string',
};

/** Oid 0 is no type. */
const NO_TYPE: number = 0;
/** pg's parser of a type it has none for: the value is the type's output text. */
const TEXT_AS_IS = types.getTypeParser(NO_TYPE, 'text');

/**
 * The engine's view of a type. Types pg has no parser for (time, inet, an enum, …) reach the
 * row path as their text, which is also COPY's: text columns a mapping can read.
 */
export function logicalTypeOf(oid: number): LogicalType {
  return LOGICAL[oid] ?? (ROW_VALUE_TYPES.getTypeParser(oid, 'text') === TEXT_AS_IS ? 'string' : 'other');
}

/** Types whose output text (in an ISO DateStyle session) always reads back as the same DOUBLE or DATE. */
const EXACT_CSV: Record<number, 'DOUBLE' | 'DATE'> = {
  [B.INT2]: 'DOUBLE',
  [B.INT4]: 'DOUBLE',
  [B.INT8]: 'DOUBLE',
  [B.FLOAT4]: 'DOUBLE',
  [B.FLOAT8]: 'DOUBLE',
  [B.DATE]: 'DATE',
};

/**
 * How the columnar export's text of a column of this type can be parsed exactly while reading, or null (read as
 * text).
 */
export function exactCsvTypeOf(oid: number): 'DOUBLE' | 'DATE' | null {
  return EXACT_CSV[oid] ?? null;
}
