/**
 * The columnar metrics load into the DuckDB store. Each CSV file of the day's export goes
 * into `metrics` with one `INSERT … SELECT … FROM read_csv(…) WHERE <the row rules>`; only
 * when that leaves rows behind is the file read again for them, and each is checked by the
 * row path's own checks (rejected with the row path's rule, reason and stored row, or loaded
 * as the row path converts it). At the end of the day, value-only rows of metrics that turned
 * out to be ratios move to the rejects. Everything happens on the day load's connection,
 * inside its open transaction, so a failure leaves the previous day untouched.
 *
 * Rows the row path's checks accept are kept aside and inserted at the end, in one statement,
 * rather than a few at a time between the files' inserts.
 */
import { copyLineFields } from './copy-line.js';
import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { DUCKDB_ROWS, type RejectRecord } from '../schema.js';
import type { HeldValueOnlyRow, MetricsCsvLoad, MetricsCsvResult, MetricsCsvSpec, ParquetDayFile } from '../types.js';
import type { DuckDBDayTarget } from './ingestion-ids.js';
import { CsvLoadTally, type CsvDayLoadHooks, type RuleCount } from './csv-load-tally.js';
import {
  acceptedColumns,
  rawColumns,
  readCsv,
  readParquet,
  rowNotOk,
  rowRules,
  valueOnlyColumns,
} from './metric-csv-sql.js';

const PAGE_ROWS = 10_000;

/**
 * Exported values as the row path's checks read them: DOUBLE columns come back as numbers, and String() gives text that
 * reads back as the same number.
 */
const rawText = (values: (string | number | null)[]) =>
  values.map((v) => (v === null || typeof v === 'string' ? v : String(v)));

/** What the day load that owns a metrics CSV load provides to it. */
export interface MetricsCsvDayLoad extends CsvDayLoadHooks {
  moveRatioRows: (metrics: string[], reason: (metric: string) => string) => Promise<number>;
  /** Keeps value-only rows as received, in case their metric turns out to be a ratio. */
  holdRows: (rows: HeldValueOnlyRow[]) => Promise<void>;
  /**
   * The day's metrics with both a row with both parts and a value-only row, in the order of
   * their first row. Absent: read from the connection's `metrics` table; a load that moves
   * the accepted rows on as it goes (the PostgreSQL store's) keeps its own account.
   */
  ratioMetrics?: () => Promise<string[]>;
  /**
   * The load reads a parquet file of a day loading alone (a whole day, many row groups) and
   * gives up its hold on the store's one thread for metrics loads (see load-threads.ts): once
   * no load holds it, the day's statement spreads over the store's threads. Days loading side
   * by side keep one thread each (more only cost CPU there: 4.2–4.9 against 3.5–3.6
   * CPU-seconds for ten days of 3 million rows).
   */
  allThreads?: () => void;
}

export class DuckDBMetricsCsvLoad implements MetricsCsvLoad {
  private readonly tally = new CsvLoadTally();
  private fixed: DuckDBAppender | null = null;
  private fixedRows = 0;
  private readonly fixedTable: string;
  /**
   * Exported columns of the rows loaded outright without a denominator, in case their metric is a ratio (see
   * holdValueOnly).
   */
  private readonly valueOnlyTable: string;
  private valueOnlyRows = false;
  /**
   * The row rules and the accepted row's columns, the same for every file of the day; the
   * exported columns as received, from a text file and from a parquet file (which keeps the
   * day column a text file may leave out).
   */
  private readonly sql: { ok: string; notOk: string; accepted: string; rawCsv: string; rawParquet: string };

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: DuckDBDayTarget,
    private readonly spec: MetricsCsvSpec,
    private readonly dayLoad: MetricsCsvDayLoad,
  ) {
    this.fixedTable = `wharf_fixed_${target.loadId.replace(/[^a-z0-9]/gi, '')}`;
    this.valueOnlyTable = `wharf_valueonly_${target.loadId.replace(/[^a-z0-9]/gi, '')}`;
    this.sql = {
      ok: rowRules(spec, target.date),
      notOk: rowNotOk(spec, target.date),
      accepted: acceptedColumns(spec),
      rawCsv: rawColumns(spec, spec.filesOmitDay ? target.date : undefined),
      rawParquet: rawColumns(spec),
    };
  }

  async append(file: string, rows: number): Promise<void> {
    if (rows === 0) return;
    await this.loadRows(readCsv(file, this.spec), this.sql.rawCsv, rows, (csv) =>
      this.tally.addFileFingerprint(this.connection, csv),
    );
  }

  /** The day's rows as a parquet file of the same columns (see MetricsCsvLoad.appendParquet): the same checks. */
  async appendParquet({ file, rows, fingerprintTerm, alone }: ParquetDayFile): Promise<void> {
    if (rows === 0) return;
    if (alone) this.dayLoad.allThreads?.();
    const term = fingerprintTerm === null ? null : BigInt(fingerprintTerm);
    await this.loadRows(readParquet(file), this.sql.rawParquet, rows, async () => this.tally.addFingerprint(term));
  }

  /**
   * Loads the rows of `relation` (a file read by DuckDB, with the columns `c0`, `c1`, …) that
   * pass the vectorized checks, and hands the others to the row path's checks; `raw` is the
   * relation's exported columns as received (rawColumns).
   */
  private async loadRows(
    relation: string,
    raw: string,
    rows: number,
    addFingerprint: (relation: string) => Promise<void>,
  ): Promise<void> {
    await this.dayLoad.ready;
    const t = this.target;
    const { ok, notOk, accepted } = this.sql;
    const loaded = await this.connection.run(
      `INSERT INTO ${DUCKDB_ROWS.metrics} SELECT $1, CAST($2 AS DATE), ${accepted} FROM ${relation} WHERE ${ok}`,
      [t.ingestionId, t.date],
    );
    this.tally.rowsRead += rows;
    this.tally.rowsLoaded += loaded.rowsChanged;
    // A mapping without metric_value has no value-only rows to keep.
    if (this.spec.ratioPossible && !this.spec.ratioOnly) await this.keepValueOnly(relation, raw);
    if (this.spec.fingerprint) await addFingerprint(relation);
    if (loaded.rowsChanged < rows) await this.checkOneByOne(`SELECT ${raw} FROM ${relation} WHERE ${notOk}`);
  }

  async appendOversize(line: string): Promise<void> {
    await this.dayLoad.ready;
    const { fields, term } = copyLineFields(line, this.spec.fingerprint);
    this.tally.addFingerprint(term);
    this.tally.rowsRead += 1;
    await this.checkRows([fields]);
  }

  async finish(): Promise<MetricsCsvResult> {
    if (this.fixed) {
      this.fixed.closeSync();
      this.fixed = null;
      const t = this.target;
      await this.connection.run(
        `INSERT INTO ${DUCKDB_ROWS.metrics} SELECT $1, CAST($2 AS DATE), unit_id, id_type, metric_name, metric_value, numerator, denominator FROM ${this.fixedTable}`,
        [t.ingestionId, t.date],
      );
      await this.connection.run(`DROP TABLE ${this.fixedTable}`);
      this.tally.rowsLoaded += this.fixedRows;
    }
    const moved = this.spec.ratioPossible ? await this.moveLateRatioRows() : [];
    return {
      rowsRead: this.tally.rowsRead,
      rowsLoaded: this.tally.rowsLoaded,
      duplicates: 0,
      fingerprintSum: this.tally.fingerprintSum(),
      problems: [...this.tally.problems(), ...moved],
    };
  }

  /**
   * The file's rows loaded outright without a denominator, as exported: should their metric
   * turn out to be a ratio, they are rejected as received (holdValueOnly). A second read of
   * the file, only for mappings where a metric can be a ratio.
   */
  private async keepValueOnly(csv: string, raw: string): Promise<void> {
    const { select, where } = valueOnlyColumns(this.spec, raw);
    const rows = `SELECT ${select} FROM ${csv} WHERE ${this.sql.ok} AND ${where}`;
    if (this.valueOnlyRows) await this.connection.run(`INSERT INTO ${this.valueOnlyTable} ${rows}`);
    else await this.connection.run(`CREATE TEMP TABLE ${this.valueOnlyTable} AS ${rows}`);
    this.valueOnlyRows = true;
  }

  /** Hands the day load the received form of a ratio metric's rows loaded outright without a denominator. */
  private async holdValueOnly(metric: string): Promise<void> {
    if (!this.valueOnlyRows) return;
    for (let last = -1n; ;) {
      const page = (
        await this.connection.runAndReadAll(
          `SELECT rowid, * FROM ${this.valueOnlyTable} WHERE wharf_metric = $1 AND rowid > ${last} ORDER BY rowid LIMIT ${PAGE_ROWS}`,
          [metric],
        )
      ).getRowsJS();
      if (page.length === 0) return;
      last = page[page.length - 1][0] as bigint;
      await this.dayLoad.holdRows(
        page.map((row) => ({ metric, row: this.spec.rowJson(rawText(row.slice(2) as (string | number | null)[])) })),
      );
    }
  }

  /**
   * The rows the vectorized checks did not accept, in file order: the row path's checks, one
   * by one. They are set aside in a temporary table first and read a page at a time, since a
   * connection runs one statement at a time and the checks write rejects as they go.
   */
  private async checkOneByOne(select: string): Promise<void> {
    const table = `wharf_unsure_${this.target.loadId.replace(/[^a-z0-9]/gi, '')}`;
    await this.connection.run(`CREATE TEMP TABLE ${table} AS ${select}`);
    try {
      for (let last = -1n; ;) {
        const page = (
          await this.connection.runAndReadAll(
            `SELECT rowid, * FROM ${table} WHERE rowid > ${last} ORDER BY rowid LIMIT ${PAGE_ROWS}`,
          )
        ).getRowsJS();
        if (page.length === 0) return;
        last = page[page.length - 1][0] as bigint;
        await this.checkRows(page.map((row) => row.slice(1) as (string | number | null)[]));
      }
    } finally {
      await this.connection.run(`DROP TABLE ${table}`);
    }
  }

  private async checkRows(rows: (string | number | null)[][]): Promise<void> {
    const rejects: RejectRecord[] = [];
    const held: HeldValueOnlyRow[] = [];
    for (const values of rows) {
      const raw = rawText(values);
      const checked = this.spec.checkRow(raw);
      if ('rule' in checked) {
        this.tally.count(checked);
        rejects.push({
          ingestion: this.target.ingestion,
          date: this.target.date,
          row: this.spec.rowJson(raw),
          ...checked,
        });
        continue;
      }
      this.fixed ??= await this.fixedAppender();
      for (const s of [checked.unit_id, checked.id_type, checked.metric_name]) this.fixed.appendVarchar(s);
      for (const n of [checked.metric_value, checked.numerator, checked.denominator]) {
        if (n === null) this.fixed.appendNull();
        else this.fixed.appendDouble(n);
      }
      this.fixed.endRow();
      this.fixedRows += 1;
      if (checked.denominator === null && this.spec.ratioPossible)
        held.push({ metric: checked.metric_name, row: this.spec.rowJson(raw) });
    }
    await this.dayLoad.appendRejects(rejects);
    await this.dayLoad.holdRows(held);
  }

  private async fixedAppender(): Promise<DuckDBAppender> {
    await this.connection.run(
      `CREATE TEMP TABLE ${this.fixedTable} (unit_id VARCHAR, id_type VARCHAR, metric_name VARCHAR, metric_value DOUBLE, numerator DOUBLE, denominator DOUBLE)`,
    );
    return this.connection.createAppender(this.fixedTable, 'main', 'temp');
  }

  /**
   * Value-only rows of metrics that have a row with both parts this day go to the rejects, as the row path's
   * end-of-day move does.
   */
  private async moveLateRatioRows(): Promise<RuleCount[]> {
    const metrics = await (this.dayLoad.ratioMetrics ?? (() => this.ratioMetricsInTable()))();
    const out: RuleCount[] = [];
    for (const metric of metrics) {
      const problem = this.spec.ratioProblem(metric);
      await this.holdValueOnly(metric);
      const n = await this.dayLoad.moveRatioRows([metric], () => problem.reason);
      this.tally.rowsLoaded -= n;
      out.push({ problem, n });
    }
    return out;
  }

  /** The ratioMetrics of the day's rows in `metrics` (first row: the lowest rowid). */
  private async ratioMetricsInTable(): Promise<string[]> {
    const t = this.target;
    const result = await this.connection.runAndReadAll(
      `SELECT metric_name FROM ${DUCKDB_ROWS.metrics} WHERE ingestion_id = $1 AND "date" = CAST($2 AS DATE)
       GROUP BY metric_name
       HAVING bool_or(numerator IS NOT NULL AND denominator IS NOT NULL) AND bool_or(denominator IS NULL)
       ORDER BY min(rowid)`,
      [t.ingestionId, t.date] as DuckDBValue[],
    );
    return result.getRows().map(([m]) => m as string);
  }
}
