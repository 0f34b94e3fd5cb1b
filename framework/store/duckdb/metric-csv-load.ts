/**
 * The columnar metrics load into the DuckDB store: the day's CSV export is read into a
 * temporary table of text columns, the rows every rule accepts for certain are selected with
 * vectorized SQL, the rest are checked one by one by the row path's own checks, and the value
 * and ratio rules run over the union, in export order. Everything happens on the day load's
 * connection, inside its open transaction, so a failure leaves the previous day untouched.
 */
import { statSync } from 'node:fs';
import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { TABLES, type RejectRecord } from '../schema.js';
import type { DayLoadTarget, MetricsCsvResult, MetricsCsvSpec, RejectProblem } from '../types.js';
import { acceptedColumns, classifiedSql, columnsOk, firstsSql, literal } from './metric-csv-sql.js';

const PAGE_ROWS = 10_000;
const VALUE_RULES = ['denominator.null_in_ratio', 'numerator.missing', 'metric_value.missing'] as const;

type Raw = (string | null)[];
interface RuleCount { problem: RejectProblem; n: number; rn: bigint }

export class MetricCsvLoad {
  private readonly rules = new Map<string, RuleCount>();
  private readonly names: { raw: string; fixed: string; valid: string; firsts: string; classified: string };

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: Required<DayLoadTarget>,
    private readonly appendRejects: (rejects: RejectRecord[]) => Promise<void>,
  ) {
    const id = target.loadId.replace(/[^a-z0-9]/gi, '');
    this.names = { raw: `wharf_csv_${id}`, fixed: `wharf_fixed_${id}`, valid: `wharf_valid_${id}`, firsts: `wharf_firsts_${id}`, classified: `wharf_class_${id}` };
  }

  async run(spec: MetricsCsvSpec): Promise<MetricsCsvResult> {
    if (statSync(spec.file).size === 0) return { rowsRead: 0, rowsLoaded: 0, fingerprintSum: null, problems: [] };
    const { raw, fixed, valid, firsts, classified } = this.names;
    const cols = Array.from({ length: spec.width }, (_, i) => `c${i}`);
    const types = `{${cols.map((c) => `'${c}': 'VARCHAR'`).join(', ')}, 'fp': 'BIGINT'}`;
    await this.connection.run(
      `CREATE TEMP TABLE ${raw} AS SELECT * FROM read_csv(${literal(spec.file)}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = ${types}, allow_quoted_nulls = false, strict_mode = true)`,
    );
    const [[count, sum]] = await this.rows(`SELECT count(*), CAST(sum(fp) AS VARCHAR) FROM ${raw}`);
    const rowsRead = Number(count);
    await this.connection.run(
      `CREATE TEMP TABLE ${fixed} (rn BIGINT, unit_id VARCHAR, id_type VARCHAR, metric_name VARCHAR, metric_value DOUBLE, numerator DOUBLE, denominator DOUBLE)`,
    );
    await this.checkOneByOne(spec, `SELECT rowid, ${cols.join(', ')} FROM ${raw} WHERE NOT ${columnsOk(spec, this.target.date)}`);
    await this.connection.run(
      `CREATE TEMP VIEW ${valid} AS SELECT ${acceptedColumns(spec)} FROM ${raw} WHERE ${columnsOk(spec, this.target.date)} UNION ALL SELECT * FROM ${fixed}`,
    );
    await this.connection.run(`CREATE TEMP TABLE ${firsts} AS ${firstsSql(valid)}`);
    await this.connection.run(`CREATE TEMP VIEW ${classified} AS ${classifiedSql(valid, firsts, spec.ratioOnly)}`);
    const t = this.target;
    const loaded = await this.connection.run(
      `INSERT INTO ${TABLES.metrics} SELECT $1, CAST($2 AS DATE), unit_id, id_type, metric_name, metric_value, numerator, denominator, $3 FROM ${classified} WHERE kind = 'ok'`,
      [t.ingestion, t.date, t.loadId],
    );
    const columnRejects = this.total();
    // Every row with valid columns loaded: no value rule rejected anything, nothing to look for.
    const moved = loaded.rowsChanged === rowsRead - columnRejects ? [] : (await this.valueRejects(spec, cols), await this.moveLateRatioRows(spec));
    for (const name of [classified, valid]) await this.connection.run(`DROP VIEW ${name}`);
    for (const name of [firsts, fixed, raw]) await this.connection.run(`DROP TABLE ${name}`);
    const rowTime = [...this.rules.values()].sort((a, b) => (a.rn < b.rn ? -1 : 1)).map(({ problem, n }) => ({ problem, n }));
    return { rowsRead, rowsLoaded: loaded.rowsChanged, fingerprintSum: sum as string | null, problems: [...rowTime, ...moved] };
  }

  private async rows(sql: string, params: unknown[] = []): Promise<DuckDBValue[][]> {
    return (await this.connection.runAndReadAll(sql, params as never)).getRows();
  }

  /** Pages through `select` (row number first, then the CSV columns) in row order. */
  private async *pages(select: string): AsyncIterable<DuckDBValue[][]> {
    for (let last = -1n; ; ) {
      const page = await this.rows(`SELECT * FROM (${select}) WHERE rowid > ${last} ORDER BY rowid LIMIT ${PAGE_ROWS}`);
      if (page.length === 0) return;
      last = page[page.length - 1][0] as bigint;
      yield page;
    }
  }

  /** Rows the vectorized checks did not accept: the row path's checks, one by one. */
  private async checkOneByOne(spec: MetricsCsvSpec, select: string): Promise<void> {
    let appender: DuckDBAppender | null = null;
    for await (const page of this.pages(select)) {
      const rejects: RejectRecord[] = [];
      for (const [rn, ...values] of page) {
        const raw = values as Raw;
        const checked = spec.checkRow(raw);
        if ('rule' in checked) {
          this.count(checked, rn as bigint);
          rejects.push(this.reject(spec.rowJson(raw), checked));
          continue;
        }
        appender ??= await this.connection.createAppender(this.names.fixed, 'main', 'temp');
        appender.appendBigInt(rn as bigint);
        for (const s of [checked.unit_id, checked.id_type, checked.metric_name]) appender.appendVarchar(s);
        for (const n of [checked.metric_value, checked.numerator, checked.denominator]) {
          if (n === null) appender.appendNull();
          else appender.appendDouble(n);
        }
        appender.endRow();
      }
      await this.appendRejects(rejects);
    }
    appender?.closeSync();
  }

  /** Rows rejected by a value rule when they were read: kept as received, as the row path does. */
  private async valueRejects(spec: MetricsCsvSpec, cols: string[]): Promise<void> {
    const kinds = VALUE_RULES.map(literal).join(', ');
    const select = `SELECT k.rn AS rowid, k.kind, k.metric_name, ${cols.map((c) => `r.${c}`).join(', ')} FROM ${this.names.classified} k JOIN ${this.names.raw} r ON r.rowid = k.rn WHERE k.kind IN (${kinds})`;
    for await (const page of this.pages(select)) {
      const rejects: RejectRecord[] = [];
      for (const [rn, kind, metric, ...values] of page) {
        const problem = spec.valueProblem(kind as (typeof VALUE_RULES)[number], metric as string);
        this.count(problem, rn as bigint);
        rejects.push(this.reject(spec.rowJson(values as Raw), problem));
      }
      await this.appendRejects(rejects);
    }
  }

  /** Rows accepted before their metric showed itself a ratio go to the rejects, as the row path's end-of-day move words them. */
  private async moveLateRatioRows(spec: MetricsCsvSpec): Promise<{ problem: RejectProblem; n: number }[]> {
    const { classified } = this.names;
    const metrics = await this.rows(`SELECT metric_name, count(*) FROM ${classified} WHERE kind = 'moved' GROUP BY metric_name ORDER BY min(rn)`);
    const t = this.target;
    const out = [];
    for (const [metric, n] of metrics) {
      const problem = spec.valueProblem('denominator.null_in_ratio', metric as string);
      await this.connection.run(
        `INSERT INTO ${TABLES.rejects} SELECT $1, CAST($2 AS DATE), to_json(struct_pack(unit_id, id_type, "date" := CAST(CAST($2 AS DATE) AS VARCHAR), metric_name, metric_value, numerator, denominator))::VARCHAR, 'denominator', 'denominator.null_in_ratio', $3, $4 FROM ${classified} WHERE kind = 'moved' AND metric_name = $5 ORDER BY rn`,
        [t.ingestion, t.date, problem.reason, t.loadId, metric as string],
      );
      out.push({ problem, n: Number(n) });
    }
    return out;
  }

  private total(): number {
    let n = 0;
    for (const rule of this.rules.values()) n += rule.n;
    return n;
  }

  private count(problem: RejectProblem, rn: bigint): void {
    const seen = this.rules.get(problem.rule);
    if (seen) seen.n += 1;
    else this.rules.set(problem.rule, { problem, n: 1, rn });
  }

  private reject(row: string, problem: RejectProblem): RejectRecord {
    return { ingestion: this.target.ingestion, date: this.target.date, row, column: problem.column, rule: problem.rule, reason: problem.reason };
  }
}
