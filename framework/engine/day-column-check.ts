/**
 * The day column must be able to hold a day: a column of the wrong type, or text that is not
 * an ISO date (metrics) or date-time (events), would otherwise select no rows and look like
 * an empty day. The type is checked before the query runs (dayColumnError); text, only when
 * a day comes back empty, by reading a few rows of the query (checkEmptyDayText).
 */
import type { LoadedMapping } from '../config/project.js';
import { ISO_DATETIME_REGEX } from '../connectors/shared/sql-dialect.js';
import type { ColumnInfo, Connector, DayFilter, QuerySpec } from '../connectors/types.js';
import { WharfError } from '../diagnostics/errors.js';
import { isIsoDate } from '../util/time.js';

const ISO_DATETIME = new RegExp(ISO_DATETIME_REGEX);
/** Rows read to tell an empty day from a column that holds no dates. */
const PROBE_ROWS = 20;

function target(mapping: LoadedMapping): string {
  return mapping.config.dataset === 'events' ? 'timestamp' : 'date';
}

/** A query error naming the mapping, the column and what it must hold. */
function columnError(mapping: LoadedMapping, column: string, what: string): WharfError {
  const must =
    mapping.config.dataset === 'events'
      ? 'a TIMESTAMP, UNIX seconds or milliseconds, or ISO date-time text (2026-10-05T07:00:00Z, 2026-10-05 07:00:00)'
      : 'a DATE, a TIMESTAMP, or ISO date text (2026-10-05, or a date-time whose first ten characters are the date)';
  return new WharfError(
    `Mapping '${mapping.config.name}' maps ${target(mapping)} to column '${column}', which ${what}, so no row can be on a day.`,
    {
      code: 'query.day-column',
      errorClass: 'query',
      hint: `The ${target(mapping)} column must be ${must}. Fix the SELECT in ${mapping.sqlFile} or the column mapping in ${mapping.file}.`,
    },
  );
}

/** The error for a day column whose type cannot select a day, or null. */
export function dayColumnError(mapping: LoadedMapping, info: ColumnInfo | undefined): WharfError | null {
  if (!info) return null;
  const ok =
    mapping.config.dataset === 'events'
      ? ['timestamp', 'string', 'integer', 'double']
      : ['date', 'timestamp', 'string'];
  return ok.includes(info.type) ? null : columnError(mapping, info.name, `is of type ${info.type}`);
}

/** Whether a value of a text day column can be on a day, as the mappers read it. */
function readable(mapping: LoadedMapping, value: string): boolean {
  const text = value.trim();
  if (mapping.config.dataset === 'metrics') return isIsoDate(text.slice(0, 10));
  return ISO_DATETIME.test(text) && !Number.isNaN(Date.parse(text.slice(0, 10)));
}

/**
 * After a day of a text day column came back empty: throws when the query's first rows hold
 * values in that column and none of them is a date (or date-time) at all.
 */
export async function checkEmptyDayText(
  mapping: LoadedMapping,
  connector: Connector,
  query: QuerySpec,
  filter: DayFilter,
): Promise<void> {
  if (filter.columnType !== 'string') return;
  const values = (await connector.sample(query, PROBE_ROWS))
    .map((r) => r[filter.column])
    .filter((v) => v !== null && v !== undefined)
    .map(String);
  if (values.length === 0 || values.some((v) => readable(mapping, v))) return;
  throw columnError(
    mapping,
    filter.column,
    `holds text that is not an ISO ${mapping.config.dataset === 'events' ? 'date-time' : 'date'} (e.g. ${JSON.stringify(values[0].slice(0, 40))})`,
  );
}
