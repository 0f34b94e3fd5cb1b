/**
 * The columnar path of a `metrics` day: the source exports the day as CSV in bulk, the store
 * loads and checks it column-wise (see DayLoad.loadMetricsCsv), and only rows the vectorized
 * checks cannot accept outright meet the row path's MetricsMapper. Used when the source has a
 * bulk export, the store a columnar load, and every mapped column arrives as text whose value
 * the rules read unchanged; otherwise the day takes the row path (ingest-day.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedMapping } from '../config/project.js';
import type { ColumnarExport, ColumnInfo, Connector, DayFilter, LogicalType, QuerySpec } from '../connectors/types.js';
import type { DayLoad, MetricsCsvResult, MetricsCsvSpec, MetricTarget } from '../store/types.js';
import { MetricsMapper, missingNumerator, missingValue, nullDenominatorReason } from './map-metrics.js';
import { problem } from './mapped-row.js';
import { rowJson, scalarText } from './row-values.js';

const TEXT_TARGETS: LogicalType[] = ['string', 'integer'];
const ALLOWED: Record<MetricTarget, LogicalType[]> = {
  unit_id: TEXT_TARGETS, id_type: TEXT_TARGETS, metric_name: TEXT_TARGETS, date: ['string', 'date', 'timestamp'],
  metric_value: ['string', 'integer', 'double'], numerator: ['string', 'integer', 'double'], denominator: ['string', 'integer', 'double'],
};

/** A columnar load ready to run, or null when the day must take the row path. */
export interface ColumnarDay {
  exporter: ColumnarExport;
  spec: Omit<MetricsCsvSpec, 'file'>;
}

/** Whether (and how) a metrics day can take the columnar path. */
export function columnarDay(mapping: LoadedMapping, connector: Connector, load: DayLoad, columns: ColumnInfo[], day: string, idTypes: readonly string[]): ColumnarDay | null {
  if (mapping.config.dataset !== 'metrics' || !connector.columnar || !load.loadMetricsCsv || !connector.columnar.textColumns(columns)) return null;
  const exporter = connector.columnar;
  const mapped = mapping.config.columns;
  const targets = {} as MetricsCsvSpec['targets'];
  for (const target of Object.keys(ALLOWED) as MetricTarget[]) {
    const source = mapped[target];
    if (source === undefined) targets[target] = { constant: null };
    else if (typeof source === 'object') {
      const text = scalarText(source.constant as never);
      if (text === undefined) return null;
      targets[target] = { constant: text };
    } else {
      const index = columns.findIndex((c) => c.name === source);
      if (index < 0 || !ALLOWED[target].includes(columns[index].type)) return null;
      targets[target] = { column: index, numeric: columns[index].type !== 'string' };
    }
  }
  if (['metric_value', 'numerator', 'denominator'].some((t) => typeof mapped[t as MetricTarget] === 'object')) return null;
  const mapper = new MetricsMapper(mapped, { ingestion: mapping.config.name, day, idTypes });
  const rowOf = (raw: (string | null)[]) => exporter.parseRow(columns, raw);
  return {
    exporter,
    spec: {
      width: columns.length, targets, idTypes, ratioOnly: mapped.metric_value === undefined,
      checkRow: (raw) => mapper.checkColumns(rowOf(raw)),
      rowJson: (raw) => rowJson(rowOf(raw)),
      valueProblem: (rule, metric) =>
        rule === 'numerator.missing' ? missingNumerator(metric)
        : rule === 'metric_value.missing' ? missingValue(metric)
        : problem('denominator', 'null_in_ratio', nullDenominatorReason(metric)),
    },
  };
}

/** Exports the day to a temporary CSV file, loads it, and removes the file whatever happens. */
export async function runColumnarDay(columnar: ColumnarDay, load: DayLoad, query: QuerySpec, filter: DayFilter): Promise<MetricsCsvResult> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-day-'));
  try {
    const file = join(dir, 'day.csv');
    await columnar.exporter.copyDay(query, filter, file);
    return await load.loadMetricsCsv!({ ...columnar.spec, file });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
