/**
 * The query stage's inputs: the mapping's query as a QuerySpec, a check that the query
 * returns every column the mapping reads, and the DayFilter of one day.
 */
import type { LoadedMapping } from '../config/project.js';
import type { ColumnInfo, DayFilter, QuerySpec } from '../connectors/types.js';
import { WharfError } from '../diagnostics/errors.js';
import { dayBounds, type Zone } from '../util/time.js';
import { mappedColumns } from './column-source.js';
import { dayColumnError } from './day-column-check.js';

export function querySpec(mapping: LoadedMapping): QuerySpec {
  return {
    mapping: mapping.config.name,
    sqlFile: mapping.sqlFile,
    sql: mapping.sqlText,
    dataset: mapping.config.dataset,
    timeoutMs: mapping.queryTimeoutMs,
  };
}

/** Throws a query error naming every mapped column the query does not return. */
export function checkMappedColumns(mapping: LoadedMapping, columns: ColumnInfo[]): void {
  const available = new Set(columns.map((c) => c.name));
  const missing = mappedColumns(mapping.config.columns as unknown as Record<string, unknown>).filter(
    (m) => !available.has(m.column),
  );
  if (missing.length === 0) return;
  const list = missing.map((m) => `${m.target} → '${m.column}'`).join(', ');
  throw new WharfError(
    `Mapping '${mapping.config.name}' reads columns that ${mapping.sqlFile} does not return: ${list}.`,
    {
      code: 'mapping.column-missing',
      errorClass: 'query',
      hint: `The query returns: ${columns.map((c) => c.name).join(', ')}. Fix the column names in ${mapping.file} or the SELECT list.`,
    },
  );
}

/**
 * The filter restricting the query to `day`: the metrics `date` column, or the events
 * `timestamp` in `zone` (text timestamps as instants). A column whose type cannot hold a day
 * is an error naming the mapping and the column.
 */
export function dayFilter(mapping: LoadedMapping, columns: ColumnInfo[], day: string, zone: Zone): DayFilter {
  const events = mapping.config.dataset === 'events';
  const column = mapping.config.dataset === 'events' ? mapping.config.columns.timestamp : mapping.config.columns.date;
  const info = columns.find((c) => c.name === column);
  const wrongType = dayColumnError(mapping, info);
  if (wrongType) throw wrongType;
  const { fromUtc, toUtc } = dayBounds(day, zone);
  return { column, columnType: info?.type ?? 'string', day, fromUtc, toUtc, textAs: events ? 'instant' : 'day' };
}
