/**
 * The Snowflake bulk export for the columnar path: the days' wrapped query runs once for the
 * group of days, in a thread of its own with a capped heap (export-thread.ts), its result
 * chunks streamed by snowflake-sdk as arrays (no object per row handed on), numbers and text
 * as the warehouse sent them, and each row written as a COPY text line for the store
 * (shared/text-rows.ts, field-text.ts). Types without a kind (a structured MAP, a VECTOR)
 * keep the row path.
 */
import { exportStart, FingerprintTokens } from '../shared/duckdb-columnar.js';
import { QUERY_ALIAS } from '../shared/sql-dialect.js';
import { commonFieldValue, textKindMembers } from '../shared/text-kinds.js';
import { daysSelect } from '../shared/wrapped-queries.js';
import type {
  ColumnarExport,
  ColumnInfo,
  CopyDaysOptions,
  DayFilter,
  DayRowSink,
  DayStats,
  QuerySpec,
  Row,
} from '../types.js';
import { snowflakeDialect } from './dialect.js';
import type { ExportJob } from './export-protocol.js';
import { exportInThread } from './export-thread.js';
import type { FieldKind } from './field-text.js';
import { integerValue } from '../shared/text-values.js';
import { parseDouble } from './values.js';

/**
 * Types whose value snowflake-sdk gives as a string, the row path's value as it is: JSON
 * fetched as text, a TIME in the session's TIME_OUTPUT_FORMAT, a GEOGRAPHY or GEOMETRY in its
 * output format's text.
 */
const STRING_TYPES = new Set(['TEXT', 'VARIANT', 'OBJECT', 'ARRAY', 'TIME', 'GEOGRAPHY', 'GEOMETRY']);

/** How a described column (its nativeType, e.g. `FIXED(2)`) travels as text, or null: the row path. */
function kindOf(column: ColumnInfo): FieldKind | null {
  const native = column.nativeType.toUpperCase();
  if (native === 'FIXED(0)') return 'integer';
  if (native.startsWith('FIXED(')) return 'decimal';
  if (native === 'REAL') return 'real';
  if (STRING_TYPES.has(native)) return 'string';
  if (native === 'BINARY') return 'binary';
  if (native === 'DATE') return 'date';
  if (native.startsWith('TIMESTAMP_')) return 'timestamp';
  return native === 'BOOLEAN' ? 'boolean' : null;
}

/** A field back as the row path's value. */
function parseField(kind: FieldKind | null, text: string): Row[string] {
  if (kind === 'integer') return integerValue(text);
  if (kind === 'decimal') return Number(text);
  if (kind === 'real') return parseDouble(text);
  return commonFieldValue(kind, text);
}

/** The session and statement settings an export thread runs `sqlText` with. */
export type ThreadSession = Pick<ExportJob, 'connection' | 'setup' | 'sqlText' | 'parameters' | 'fetchAsString'>;

/** What the export borrows from its connector. */
export interface SnowflakeExportHost {
  describe(query: QuerySpec): Promise<ColumnInfo[]>;
  dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]>;
  /** How the export's thread logs in and runs `sqlText` as the connector would. */
  threadSession(sqlText: string, query: QuerySpec): ThreadSession;
  /** The error to raise for a snowflake-sdk failure of the export. */
  streamError(query: QuerySpec, err: unknown): Error;
}

export function snowflakeColumnarExport(host: SnowflakeExportHost): ColumnarExport {
  const tokens = new FingerprintTokens();
  return {
    ...textKindMembers({ kindOf, doubleKinds: ['integer', 'decimal', 'real'], parseField }),
    async copyDays(query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink): Promise<void> {
      const { columns, dayTokens } = await exportStart(host, tokens, { query, filters, options });
      const list = columns.map((c) => `${QUERY_ALIAS}.${snowflakeDialect.identifier(c.name)}`).join(', ');
      const sqlText = daysSelect(snowflakeDialect, query.sql, filters, list);
      const job: ExportJob = {
        ...host.threadSession(sqlText, query),
        kinds: columns.map((c) => kindOf(c)!),
        filters,
        tokens: dayTokens,
        mapping: query.mapping,
      };
      await exportInThread({ job, sink, sdkError: (err) => host.streamError(query, err) });
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}
