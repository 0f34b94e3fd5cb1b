/**
 * The columnar path of `metrics` days: the source exports the days in bulk — one query for a
 * range of days, each row routed to its day — and the store loads and checks the rows
 * column-wise as the files arrive (DayLoad.metricsCsv), each day in its own open load, so
 * each day still commits or rolls back on its own. Only rows the vectorized checks cannot
 * accept outright meet the row path's checks. Used when the source has a bulk export, the
 * store a columnar load, and every mapped column arrives as text whose value the rules read
 * unchanged; otherwise days take the row path (ingest-day.ts).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedMapping } from '../config/project.js';
import type { MetricColumns } from '../config/types.js';
import type {
  ColumnarExport,
  ColumnInfo,
  Connector,
  DayFilter,
  LogicalType,
  ParquetDay,
  QuerySpec,
} from '../connectors/types.js';
import type { CsvColumnType, DayLoad, MetricsCsvLoad, MetricsCsvSpec, MetricTarget } from '../store/types.js';
import type { Zone } from '../util/time.js';
import { DayChunkFiles, type DayChunk } from './day-chunks.js';
import { DayHandOver, type DayHandOverHooks } from './day-hand-over.js';
import { LaneQueue } from './lane-queue.js';
import { MetricsMapper, nullDenominatorReason } from './map-metrics.js';
import { problem } from './mapped-row.js';
import { rowJson, scalarText } from './row-values.js';

const TEXT_TARGETS: LogicalType[] = ['string', 'integer', 'double'];
const NUMBER_TARGETS: MetricTarget[] = ['metric_value', 'numerator', 'denominator'];
const ALLOWED: Record<MetricTarget, LogicalType[]> = {
  unit_id: TEXT_TARGETS,
  id_type: TEXT_TARGETS,
  metric_name: TEXT_TARGETS,
  date: ['string', 'date', 'timestamp'],
  metric_value: ['string', 'integer', 'double'],
  numerator: ['string', 'integer', 'double'],
  denominator: ['string', 'integer', 'double'],
};
/** Rows per file the store is handed: one DuckDB row group (122,880 rows). */
export const ROWS_PER_FILE = 122_880;
/**
 * Rows of each day's first file. With days interleaved in the export, full-size first files
 * would all complete only after 122,880 rows of every day, and the store sat idle that long
 * (over a second of a ten-day group); smaller files cost more per row, so only the first.
 */
export const FIRST_FILE_ROWS = ROWS_PER_FILE / 8;
/**
 * Fewest rows of a later file handed on early, when a lane has nothing to load (see
 * DayChunkFiles.want): between rounds of files of interleaved days the store sat idle too.
 * Half a row group costs the store no more per row than a whole one (a statement per file
 * is what smaller files add: +10% per row at an eighth), and a day's rows still fill whole
 * row groups, which a transaction's inserts share.
 */
const MIN_FILE_ROWS = ROWS_PER_FILE / 2;

/** Files loading at once, each on its own day's connection: two, one per core here. */
const LANES = 2;

/** How a mapping's days take the columnar path (metrics here, events in events-columnar.ts). */
export interface ColumnarPlan {
  exporter: ColumnarExport;
  /** The result columns in export order: the day column first, then the others as the query returns them. */
  exportColumns: ColumnInfo[];
  /** Whether several days can share one export: the day column is a DATE or a string. */
  multiDay: boolean;
  /** Export each row's fingerprint term: the mapping's rechecks compare fingerprints. */
  fingerprint: boolean;
  /** How the store reads each exported column (text, or parsed while reading); metrics only. */
  columnTypes?: CsvColumnType[];
  /** The columnar load of one day of the export, in the day's open load. */
  open(load: DayLoad, filter: DayFilter): MetricsCsvLoad;
}

/** Whether (and how) a mapping's metrics days can take the columnar path. */
export function columnarPlan(
  mapping: LoadedMapping,
  connector: Connector,
  columns: ColumnInfo[],
  { idTypes, zone }: { idTypes: readonly string[]; zone: Zone },
): ColumnarPlan | null {
  if (mapping.config.dataset !== 'metrics' || !connector.columnar || !connector.columnar.textColumns(columns))
    return null;
  const mapped = mapping.config.columns;
  const dayIndex = typeof mapped.date === 'string' ? columns.findIndex((c) => c.name === mapped.date) : -1;
  // Columns are exported by name: the names must tell them apart.
  if (dayIndex < 0 || new Set(columns.map((c) => c.name)).size !== columns.length) return null;
  const exportColumns = [columns[dayIndex], ...columns.filter((_, i) => i !== dayIndex)];
  const exporter = connector.columnar;
  const fed = metricTargets(mapped, exportColumns);
  if (!fed) return null;
  const { targets, feeds } = fed;
  // A column is parsed while reading only when every target it feeds wants that type.
  const columnTypes = exportColumns.map((c, i): CsvColumnType => {
    const exact = exporter.exactCsvType(c);
    const wanted = [...feeds[i]];
    if (exact === 'DOUBLE' && wanted.length && wanted.every((t) => NUMBER_TARGETS.includes(t))) return 'DOUBLE';
    if (exact === 'DATE' && wanted.length && wanted.every((t) => t === 'date')) return 'DATE';
    return 'VARCHAR';
  });
  const fingerprint = mapping.recheck.reloadOnFingerprintChange;
  // The row as the query returns it (its column order too), for the checks and the stored reject.
  const queryOrder = columns.map((c) => exportColumns.indexOf(c));
  const rowOf = (raw: (string | null)[]) =>
    exporter.parseRow(
      columns,
      queryOrder.map((i) => raw[i]),
    );
  return {
    exporter,
    exportColumns,
    multiDay: ['date', 'string'].includes(columns[dayIndex].type),
    fingerprint,
    columnTypes,
    open: (load, filter) => load.metricsCsv!(spec(filter.day)),
  };

  function spec(day: string): MetricsCsvSpec {
    const mapper = new MetricsMapper(mapped, { ingestion: mapping.config.name, day, idTypes, zone });
    return {
      columnTypes,
      filesOmitDay: filesOmitDay(columnTypes),
      fingerprint,
      targets,
      idTypes,
      ratioOnly: mapped.metric_value === undefined,
      ratioPossible: typeof mapped.numerator === 'string' && typeof mapped.denominator === 'string',
      checkRow: (raw) => mapper.checkRow(rowOf(raw)),
      rowJson: (raw) => rowJson(rowOf(raw)),
      ratioProblem: (metric) => problem('denominator', 'null_in_ratio', nullDenominatorReason(metric)),
    };
  }
}

/**
 * Whether the text export's files leave out the day column (DayChunkFiles' `omitDay`): a
 * DATE day column, read only to be skipped — the export filters on it and routes each row to
 * its own day, so a file's rows all have its day, and the checks never read it.
 */
function filesOmitDay(columnTypes: CsvColumnType[]): boolean {
  return columnTypes[0] === 'DATE';
}

/**
 * Where each metrics target comes from in the export (a column or a constant), and which
 * targets each column feeds; null when a target cannot be filled on the columnar path.
 */
function metricTargets(
  mapped: MetricColumns,
  exportColumns: ColumnInfo[],
): { targets: MetricsCsvSpec['targets']; feeds: Set<MetricTarget>[] } | null {
  const targets = {} as MetricsCsvSpec['targets'];
  const feeds = exportColumns.map(() => new Set<MetricTarget>());
  for (const target of Object.keys(ALLOWED) as MetricTarget[]) {
    const source = mapped[target];
    if (source === undefined) targets[target] = { constant: null };
    else if (typeof source === 'object') {
      if (NUMBER_TARGETS.includes(target)) return null;
      const text = scalarText(source.constant as never);
      if (text === undefined) return null;
      targets[target] = { constant: text };
    } else {
      const index = exportColumns.findIndex((c) => c.name === source);
      if (index < 0 || !ALLOWED[target].includes(exportColumns[index].type)) return null;
      const { type } = exportColumns[index];
      targets[target] = { column: index, numeric: type !== 'string', double: type === 'double' };
      feeds[index].add(target);
    }
  }
  return { targets, feeds };
}

/** What runColumnarDays reports as it goes. */
interface ColumnarDayHooks extends DayHandOverHooks {
  /** Rows of a day loaded (progress). */
  onRows?: (day: number, rows: number) => void;
}

/**
 * Exports the days and loads each day's files into its open load (`loads[i]` for
 * `filters[i]`), one file at a time while the export runs: parquet files when the source
 * writes them and every load reads them, else the text export. Each day is handed to
 * `hooks.loaded` with its result as soon as it is whole (see DayHandOver), to be committed or
 * rolled back there while the other days load; settles once every day was handed on, and
 * throws the first failure — the days not handed on by then are the caller's to roll back.
 * Temporary files are removed whatever happens.
 */
export async function runColumnarDays(
  plan: ColumnarPlan,
  loads: DayLoad[],
  days: { query: QuerySpec; filters: DayFilter[] },
  hooks: ColumnarDayHooks,
): Promise<void> {
  const csvLoads = loads.map((load, i) => plan.open(load, days.filters[i]));
  const dir = await mkdtemp(join(tmpdir(), 'wharf-days-'));
  const job = { ...days, dir, handOver: new DayHandOver(csvLoads, hooks), onRows: hooks.onRows };
  try {
    const { columnTypes } = plan;
    const parquet = columnTypes && plan.exporter.parquetDays && csvLoads.every((l) => l.appendParquet);
    if (parquet) await parquetDays({ ...plan, columnTypes }, csvLoads, job);
    else await textDays(plan, csvLoads, job);
    await job.handOver.settled();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface ExportJob {
  query: QuerySpec;
  filters: DayFilter[];
  /** The temporary folder of the export's files. */
  dir: string;
  handOver: DayHandOver;
  onRows?: (day: number, rows: number) => void;
}

/**
 * The text export: the days' rows cut into files of one row group, each loaded into its
 * day's load as soon as it is full, while the export runs. Settles once every file is
 * loaded; a failure is the hand-over's.
 */
async function textDays(
  plan: ColumnarPlan,
  csvLoads: MetricsCsvLoad[],
  { query, filters, dir, handOver, onRows }: ExportJob,
): Promise<void> {
  const queue = new LaneQueue(LANES);
  const onChunk = (chunk: DayChunk) => {
    handOver.queued(chunk.day, chunk.rows);
    queue.push(chunk.day, async () => {
      try {
        if (handOver.failed) return;
        if (chunk.oversize) await csvLoads[chunk.day].appendOversize(await readFile(chunk.file, 'utf8'));
        else await csvLoads[chunk.day].append(chunk.file, chunk.rows);
        onRows?.(chunk.day, chunk.rows);
      } catch (err) {
        handOver.fail(err);
        files.discard();
      } finally {
        files.consumed(chunk);
        handOver.fileDone(chunk.day);
      }
    });
  };
  const files = new DayChunkFiles({
    dir,
    dayCount: filters.length,
    rowsPerFile: ROWS_PER_FILE,
    onChunk,
    firstFileRows: FIRST_FILE_ROWS,
    minFileRows: MIN_FILE_ROWS,
    omitDay: plan.columnTypes !== undefined && filesOmitDay(plan.columnTypes),
  });
  queue.onIdleLane((busy) => files.want((day) => !busy(day)));
  try {
    await plan.exporter.copyDays(
      query,
      filters,
      { columns: plan.exportColumns.map((c) => c.name), fingerprint: plan.fingerprint },
      files,
    );
    files.finish();
    handOver.exported();
  } catch (err) {
    handOver.fail(err);
    files.discard();
  }
  await queue.idle();
}

/**
 * The parquet export (ColumnarExport.parquetDays): one file per day, loaded by its day's load
 * while the source writes the next days; the source waits while a file per lane is already
 * waiting, so at most that many files wait on disk. Settles once every file is loaded; a
 * failure is the hand-over's.
 */
async function parquetDays(
  plan: ColumnarPlan & { columnTypes: CsvColumnType[] },
  csvLoads: MetricsCsvLoad[],
  { query, filters, dir, handOver, onRows }: ExportJob,
): Promise<void> {
  const queue = new LaneQueue(LANES);
  // A day exported alone may load on every thread of the store (ParquetDayFile.alone).
  const alone = filters.length === 1;
  const sink = async ({ day, file, rows, fingerprintTerm }: ParquetDay) => {
    handOver.throwIfFailed();
    handOver.queued(day, rows);
    queue.push(day, async () => {
      try {
        if (!handOver.failed) await csvLoads[day].appendParquet!({ file, rows, fingerprintTerm, alone });
        onRows?.(day, rows);
      } catch (err) {
        handOver.fail(err);
      } finally {
        await rm(file, { force: true });
        handOver.fileDone(day);
      }
    });
    // One file per day: the day may be committed while the export writes the next ones.
    handOver.dayWhole(day);
    await queue.below(LANES);
  };
  const options = { columns: plan.exportColumns.map((c) => c.name), fingerprint: plan.fingerprint };
  try {
    await plan.exporter.parquetDays!(query, filters, { ...options, columnTypes: plan.columnTypes, dir }, sink);
    handOver.exported();
  } catch (err) {
    handOver.fail(err);
  } finally {
    await queue.idle();
  }
}
