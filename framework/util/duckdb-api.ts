/**
 * The values Wharf uses from @duckdb/node-api, loaded with require(). The package is
 * CommonJS and its index re-exports some 600 files: imported from an ES module, Node first
 * scans every one of them for export names (cjs-module-lexer), which cost each process about
 * 0.2 s of CPU, more than loading the package. Types still come from the package itself.
 */
import { createRequire } from 'node:module';
import type * as Api from '@duckdb/node-api';

const api = createRequire(import.meta.url)('@duckdb/node-api') as typeof Api;

export const {
  DOUBLE,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  JSDuckDBValueConverter,
  VARCHAR,
} = api;

// The names Wharf also uses as types (the enum's members, a class's instances).
export type DuckDBDateValue = Api.DuckDBDateValue;
export type DuckDBTypeId = Api.DuckDBTypeId;
