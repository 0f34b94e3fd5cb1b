/**
 * Query jobs of the BigQuery REST fake, their results kept as DuckDB tables so large results
 * cost no JavaScript heap and pages are read with LIMIT/OFFSET as pageTokens ask.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { BigQueryField } from '../values.js';
import { inDataset, isScript, runScript, splitStatements, withInformationSchema } from './scripts.js';
import { toDuckDB } from './sql-shim.js';
import { wireColumn, type WireColumn } from './wire-format.js';

/** Rows per page when the request gives no maxResults. */
const DEFAULT_PAGE_ROWS = 10_000;

interface StoredJob {
  table: string;
  columns: WireColumn[];
  total: number;
}

/** A job's statistics as jobs.insert and jobs.get report them (the API's strings for int64). */
export interface JobStatistics {
  totalBytesProcessed: string;
  /** On-demand billing: the bytes processed rounded up to 1 MiB, at least 10 MiB per query that reads a table. */
  totalBytesBilled: string;
  query: {
    totalBytesProcessed: string;
    totalBytesBilled: string;
    statementType: string;
    totalRows?: string;
    numDmlAffectedRows?: string;
  };
}

const MIB = 1024 * 1024;

/** DuckDB SQL for one GoogleSQL statement. */
const duckSql = (sql: string) => withInformationSchema(sql, toDuckDB);

/** The statistics of a job that processed `bytes`. */
function statistics(bytes: number, statementType: string, extra: Partial<JobStatistics['query']>): JobStatistics {
  const billed = String(billedBytes(bytes));
  return {
    totalBytesProcessed: String(bytes),
    totalBytesBilled: billed,
    query: { totalBytesProcessed: String(bytes), totalBytesBilled: billed, statementType, ...extra },
  };
}

/** BigQuery's on-demand billing of `bytes` processed. */
export function billedBytes(bytes: number): number {
  return bytes === 0 ? 0 : Math.max(10 * MIB, Math.ceil(bytes / MIB) * MIB);
}

export interface JobPage {
  fields: BigQueryField[];
  rows: Array<{ f: Array<{ v: unknown }> }>;
  total: number;
  /** Offset of the next page, when there is one. */
  next?: number;
}

/** The fake's jobs by id, each a DuckDB table dropped once its last page is read. */
export class JobStore {
  private readonly jobs = new Map<string, StoredJob>();
  private sequence = 0;

  constructor(private readonly connection: DuckDBConnection) {}

  private readonly statistics = new Map<string, JobStatistics>();

  /** The statistics of a job run by `run`, or undefined. */
  statisticsOf(jobId: string): JobStatistics | undefined {
    return this.statistics.get(jobId);
  }

  /**
   * Runs the query of job `jobId` with `dataset` as its default dataset and records its
   * statistics: a query into a result table (its schema and row count returned); DDL and DML
   * directly, with the rows they changed; a script statement by statement (scripts.ts). Bytes
   * processed are the fake's scan estimate (scannedBytes).
   */
  async run(jobId: string, sql: string, dataset?: string): Promise<{ fields: BigQueryField[]; total: number }> {
    return inDataset(this.connection, dataset, async () => {
      const statements = splitStatements(sql);
      if (!isScript(statements)) return this.runStatement(jobId, sql, dataset);
      const bytes = await this.scannedBytes(sql, dataset);
      await runScript(this.connection, statements, async (statement) => {
        await this.connection.run(await duckSql(statement));
      });
      this.statistics.set(jobId, statistics(bytes, 'SCRIPT', {}));
      return { fields: [], total: 0 };
    });
  }

  private async runStatement(
    jobId: string,
    sql: string,
    dataset: string | undefined,
  ): Promise<{ fields: BigQueryField[]; total: number }> {
    const bytes = await this.scannedBytes(sql, dataset);
    const statement = /^\s*(INSERT|DELETE|UPDATE|MERGE|CREATE|DROP|ALTER)\b/i.exec(sql)?.[1]?.toUpperCase();
    if (statement) {
      const result = await this.connection.run(await duckSql(sql));
      const changed = Number(result.rowsChanged);
      this.statistics.set(
        jobId,
        statistics(
          bytes,
          statement,
          ['INSERT', 'DELETE', 'UPDATE', 'MERGE'].includes(statement) ? { numDmlAffectedRows: String(changed) } : {},
        ),
      );
      return { fields: [], total: 0 };
    }
    const ran = await this.runQuery(jobId, sql);
    this.statistics.set(jobId, statistics(bytes, 'SELECT', { totalRows: String(ran.total) }));
    return ran;
  }

  private async runQuery(jobId: string, sql: string): Promise<{ fields: BigQueryField[]; total: number }> {
    const table = `fake_job_${++this.sequence}`;
    await this.connection.run(`CREATE TEMP TABLE ${table} AS ${await duckSql(sql)}`);
    const columns = await this.columns(`SELECT * FROM ${table}`);
    const counted = await this.connection.runAndReadAll(`SELECT COUNT(*) FROM ${table}`);
    const total = Number(counted.getRows()[0]![0]);
    this.jobs.set(jobId, { table, columns, total });
    return { fields: columns.map((column) => column.field), total };
  }

  /** Validates the query without running it: schema plus an estimate of bytes scanned. */
  async dryRun(sql: string, dataset?: string): Promise<{ fields: BigQueryField[]; bytes: number }> {
    return inDataset(this.connection, dataset, async () => {
      const duck = await duckSql(sql);
      const columns = await this.columns(duck);
      return { fields: columns.map((column) => column.field), bytes: await this.scannedBytes(sql, dataset) };
    });
  }

  /** A page of job `jobId`, starting at `offset`. */
  async page(
    jobId: string,
    offset: number,
    maxResults: number | undefined,
    int64Timestamps: boolean,
  ): Promise<JobPage | undefined> {
    const job = this.jobs.get(jobId);
    // A DML, DDL or script job has results too: no rows (BigQuery answers getQueryResults for every query job).
    if (!job) return this.statistics.has(jobId) ? { fields: [], rows: [], total: 0 } : undefined;
    const count = Math.max(0, Math.min(maxResults ?? DEFAULT_PAGE_ROWS, job.total - offset));
    const fields = job.columns.map((column) => column.field);
    const rows = count === 0 ? [] : await this.rows(job, offset, count, int64Timestamps);
    const next = offset + count < job.total ? offset + count : undefined;
    if (next === undefined) await this.drop(jobId);
    return { fields, rows, total: job.total, next };
  }

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  async dropAll(): Promise<void> {
    for (const jobId of [...this.jobs.keys()]) await this.drop(jobId);
  }

  /** The wire columns of a query's result, from its prepared statement (not run). */
  private async columns(sql: string): Promise<WireColumn[]> {
    const prepared = await this.connection.prepare(sql);
    return Array.from({ length: prepared.columnCount }, (_, i) =>
      wireColumn(prepared.columnName(i), prepared.columnType(i)),
    );
  }

  private async rows(job: StoredJob, offset: number, count: number, int64: boolean): Promise<JobPage['rows']> {
    const select = job.columns.map(
      (column, index) => `${column.select(`"${column.field.name.replaceAll('"', '""')}"`, int64)} AS c${index}`,
    );
    const reader = await this.connection.runAndReadAll(
      `SELECT ${select.join(', ')} FROM ${job.table} LIMIT ${count} OFFSET ${offset}`,
    );
    return reader.getRows().map((row) => ({
      f: row.map((value, i) => {
        const text = value === null ? null : String(value);
        const { cell } = job.columns[i];
        return { v: cell ? cell(text) : text };
      }),
    }));
  }

  /**
   * The fake's stand-in for BigQuery's scan estimate: 8 bytes per cell of every table the
   * query names (tables of the default dataset also unqualified). Good enough to grow with the
   * data, which is all tests may rely on.
   */
  private async scannedBytes(sql: string, dataset?: string): Promise<number> {
    const tables = await this.connection.runAndReadAll(
      `SELECT schema_name, table_name, estimated_size, column_count FROM duckdb_tables() WHERE NOT temporary`,
    );
    let bytes = 0;
    for (const [schema, table, rows, columns] of tables.getRows()) {
      const name = schema === 'main' || schema === dataset ? String(table) : `${String(schema)}.${String(table)}`;
      if (new RegExp(`\\b${name.replace('.', '\\.')}\\b`).test(sql)) bytes += Number(rows) * Number(columns) * 8;
    }
    return bytes;
  }

  private async drop(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job) return;
    this.jobs.delete(jobId);
    await this.connection.run(`DROP TABLE IF EXISTS ${job.table}`);
  }
}
