/**
 * A SQL session on BigQuery for the experiment pipeline: every statement is a query job with
 * the session's dataset as its default dataset, and reports what BigQuery's job statistics
 * say — the job id, totalBytesProcessed (scanned) and totalBytesBilled, and the rows a DML
 * statement changed. A BigQuery transaction lives inside one script and takes no DDL on
 * permanent tables, so the session has no `transaction` but `atomically` (one script of DML in
 * BEGIN/COMMIT TRANSACTION): the pipeline writes staging tables and swaps them in with it
 * (experiments/staged-run.ts).
 */
import type { BigQuery, Job } from '@google-cloud/bigquery';
import type { BigQuerySource } from '../../config/types.js';
import { importOptional } from '../../util/optional-import.js';
import type { ColumnInfo, ConnectorContext, Row, SqlSession, SqlSessionOptions, StatementReport } from '../types.js';
import { bigqueryError } from './errors.js';
import { clientOptions, type BigQueryClientTuning } from './options.js';
import { columnInfo, rowConverter, type BigQueryField, type RawCell } from './values.js';

interface JobStatistics {
  totalBytesProcessed?: string;
  totalBytesBilled?: string;
  query?: {
    totalBytesProcessed?: string;
    totalBytesBilled?: string;
    numDmlAffectedRows?: string;
    schema?: { fields?: BigQueryField[] };
  };
}

const int = (v: string | undefined) => (v === undefined ? null : Number(v));

/** `$1, $2, …` placeholders as BigQuery's positional `?`, with the parameters in that order. */
export function positional(sql: string, params: unknown[]): { query: string; params: unknown[] } {
  const ordered: unknown[] = [];
  const query = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    ordered.push(params[Number(n) - 1]);
    return '?';
  });
  return { query, params: ordered };
}

class BigQuerySqlSession implements SqlSession {
  readonly kind = 'bigquery';

  constructor(
    readonly sourceName: string,
    readonly schema: string,
    private readonly client: BigQuery,
    private readonly location: string | undefined,
  ) {}

  private site() {
    return { kind: this.kind, sourceName: this.sourceName };
  }

  /** A query job; `inDataset` false for the statement creating the dataset, which cannot be its default yet. */
  private async job(sql: string, params: unknown[] = [], options: { dryRun?: boolean; inDataset?: boolean } = {}) {
    const p = positional(sql, params);
    try {
      const [job] = await this.client.createQueryJob({
        query: p.query,
        params: p.params.length ? p.params : undefined,
        useLegacySql: false,
        dryRun: options.dryRun ?? false,
        location: this.location,
        defaultDataset: options.inDataset === false ? undefined : { datasetId: this.schema },
      });
      return job;
    } catch (err) {
      throw bigqueryError(this.site(), err);
    }
  }

  private async report(job: Job): Promise<StatementReport> {
    const [metadata] = (await job.getMetadata()) as unknown as [
      { statistics?: JobStatistics; jobReference?: { jobId?: string } },
    ];
    const s = metadata.statistics ?? {};
    return {
      queryId: metadata.jobReference?.jobId ?? job.id ?? null,
      rows: int(s.query?.numDmlAffectedRows),
      bytesScanned: int(s.query?.totalBytesProcessed ?? s.totalBytesProcessed),
      bytesBilled: int(s.query?.totalBytesBilled ?? s.totalBytesBilled),
    };
  }

  async query<T = Row>(sql: string, params?: unknown[]): Promise<{ rows: T[]; report: StatementReport }> {
    const job = await this.job(sql, params);
    const rows: Row[] = [];
    let pageToken: string | undefined;
    try {
      do {
        const [raw, , response] = await job.getQueryResults({
          maxResults: 10_000,
          pageToken,
          autoPaginate: false,
          skipParsing: true,
        });
        const results = (response ?? {}) as {
          schema?: { fields?: BigQueryField[] };
          pageToken?: string;
          jobComplete?: boolean;
        };
        if (results.jobComplete === false) continue;
        rows.push(...(raw as unknown as Array<{ f: RawCell[] }>).map(rowConverter(results.schema?.fields ?? [])));
        pageToken = results.pageToken;
      } while (pageToken);
      return { rows: rows as T[], report: await this.report(job) };
    } catch (err) {
      throw bigqueryError(this.site(), err);
    }
  }

  async exec(sql: string, inDataset = true): Promise<StatementReport> {
    const job = await this.job(sql, [], { inDataset });
    try {
      return await this.report(job);
    } catch (err) {
      throw bigqueryError(this.site(), err);
    }
  }

  /** One script: BigQuery commits its transaction's DML on every table at once, or rolls all of it back. */
  async atomically(statements: string[]): Promise<StatementReport> {
    return this.exec(['BEGIN TRANSACTION', ...statements, 'COMMIT TRANSACTION'].join(';\n'));
  }

  async describe(sql: string): Promise<ColumnInfo[]> {
    const job = await this.job(sql, [], { dryRun: true });
    const statistics = (job.metadata as { statistics?: JobStatistics }).statistics;
    return (statistics?.query?.schema?.fields ?? []).map(columnInfo);
  }

  async close(): Promise<void> {
    // Jobs hold no session; the client's HTTP agent closes idle sockets on its own.
  }
}

/** Opens a session whose default dataset is `options.schema`, created when missing. */
export async function openBigQuerySqlSession(
  config: BigQuerySource,
  context: ConnectorContext,
  options: SqlSessionOptions,
  tuning: BigQueryClientTuning = {},
): Promise<SqlSession> {
  const { BigQuery: Client } = await importOptional(
    '@google-cloud/bigquery',
    'A bigquery source',
    () => import('@google-cloud/bigquery'),
  );
  const session = new BigQuerySqlSession(
    config.name,
    options.schema,
    new Client(clientOptions(config, context, tuning)),
    config.location,
  );
  await session.exec(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`, false);
  return session;
}
