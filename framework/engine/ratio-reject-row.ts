/**
 * The stored form of a value-only row of a metric that turned out to be a ratio, moved to the
 * rejects at the end of the day (the day's rows are already in the store by then, on both
 * load paths). Like every other reject it is keyed by the query's column names (`"d"`, not
 * Wharf's `"date"`) and written by rowJson, so it reads the same on every store; the values
 * are the row's as loaded, which are the query's for every column the mapping reads. Columns
 * the mapping does not read are not kept in the store, so they cannot be shown.
 */
import type { MetricColumns } from '../config/types.js';
import type { StoredMetricValues } from '../store/types.js';
import { rowJson } from './row-values.js';

const FIELDS = ['unit_id', 'id_type', 'date', 'metric_name', 'metric_value', 'numerator', 'denominator'] as const;

export function ratioRejectRow(columns: MetricColumns, day: string): (stored: StoredMetricValues) => string {
  const named = FIELDS.flatMap((field) => {
    const column = columns[field];
    return typeof column === 'string' ? [[field, column] as const] : [];
  });
  return (stored) => rowJson(Object.fromEntries(named.map(([field, column]) => [column, field === 'date' ? day : stored[field]])));
}
