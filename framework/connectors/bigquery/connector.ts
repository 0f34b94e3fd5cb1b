/**
 * The BigQuery connector: each query runs as a job (jobs.insert) and its results are read page
 * by page (getQueryResults with pageToken), one page per yielded batch; describe uses a free
 * dry run.
 */
import { timeoutOf } from '../shared/query-timeout.js';
import type { BigQuery, Job } from '@google-cloud/bigquery';
import type {
  ColumnarExport,
  ColumnInfo,
  Connector,
  DayFilter,
  DayStats,
  DayStatsOptions,
  QuerySpec,
  Row,
  StreamOptions,
} from '../types.js';
import { dayQuery, dayStatsOf, dayStatsQuery, hasDataQuery, sampleQuery } from '../shared/wrapped-queries.js';
import { finishedDateOf, latestFinishedDateQuery } from '../shared/signal-table.js';
import { abortedError } from '../shared/errors.js';
import { BIGQUERY_CAPABILITIES } from './capabilities.js';
import { bigqueryDialect } from './dialect.js';
import { bigqueryError } from './errors.js';
import { bigqueryColumnarExport, type RawPage } from './columnar.js';
import { columnInfo, rowConverter, type BigQueryField, type RawCell } from './values.js';

/** One page of a job's results. */
interface Page {
  rows: Row[];
  fields: BigQueryField[];
  pageToken?: string;
}

interface ResultsResponse {
  schema?: { fields?: BigQueryField[] };
  pageToken?: string;
  jobComplete?: boolean;
}

interface DryRunMetadata {
  statistics?: { query?: { schema?: { fields?: BigQueryField[] } } };
}

/** A BigQuery client serving one source. */
export class BigQueryConnector implements Connector {
  readonly kind = 'bigquery';
  readonly capabilities = BIGQUERY_CAPABILITIES;
  /** Days exported in bulk from unparsed result pages (see columnar.ts). */
  readonly columnar: ColumnarExport;

  constructor(
    readonly sourceName: string,
    private readonly client: BigQuery,
    private readonly location: string | undefined,
  ) {
    this.columnar = bigqueryColumnarExport({
      describe: (query) => this.describe(query),
      dayStats: (query, filters) => this.dayStats(query, filters),
      startJob: (sql, query) => this.startJob(sql, query),
      rawPage: (job, query, maxResults, pageToken) => this.rawPage(job, query, maxResults, pageToken),
    });
  }

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    const metadata = await this.dryRun(query.sql, query);
    return (metadata.statistics?.query?.schema?.fields ?? []).map(columnInfo);
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    const job = await this.startJob(dayQuery(bigqueryDialect, query.sql, filter), query);
    let pageToken: string | undefined;
    let finished = false;
    try {
      do {
        if (options.signal?.aborted) throw abortedError(this.site(query));
        const page = await this.page(job, query, options.batchSize, pageToken);
        if (page.rows.length > 0) yield page.rows;
        pageToken = page.pageToken;
      } while (pageToken);
      finished = true;
    } finally {
      // A consumer that stops early should not leave a job running (and billing) for nobody.
      if (!finished) await job.cancel().catch(() => undefined);
    }
  }

  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return this.all(sampleQuery(query.sql, limit), query);
  }

  async dayStats(query: QuerySpec, filters: DayFilter[], options?: DayStatsOptions): Promise<DayStats[]> {
    if (filters.length === 0) return [];
    return dayStatsOf(filters, await this.all(dayStatsQuery(bigqueryDialect, query.sql, filters, options), query));
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    return (await this.all(hasDataQuery(bigqueryDialect, query.sql, filter), query)).length > 0;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const [row] = await this.all(latestFinishedDateQuery(this.sourceName, signal.table));
    return finishedDateOf(row ? Object.values(row)[0] : null);
  }

  async close(): Promise<void> {
    // The client holds no sessions; its HTTP agent closes idle sockets on its own.
  }

  private async startJob(sql: string, query?: QuerySpec): Promise<Job> {
    try {
      // BigQuery cancels a job that runs past jobTimeoutMs (the query timeout).
      const [job] = await this.client.createQueryJob({
        query: sql,
        useLegacySql: false,
        location: this.location,
        jobTimeoutMs: timeoutOf(query),
      });
      return job;
    } catch (err) {
      throw bigqueryError(this.site(query), err);
    }
  }

  private async dryRun(sql: string, query: QuerySpec): Promise<DryRunMetadata> {
    try {
      const [job] = await this.client.createQueryJob({
        query: sql,
        useLegacySql: false,
        dryRun: true,
        location: this.location,
      });
      return job.metadata as DryRunMetadata;
    } catch (err) {
      throw bigqueryError(this.site(query), err);
    }
  }

  /** One page of results; waits (re-polls) while the job is still running. */
  private async page(job: Job, query: QuerySpec | undefined, maxResults: number, pageToken?: string): Promise<Page> {
    const raw = await this.rawPage(job, query, maxResults, pageToken);
    const convert = rowConverter(raw.fields);
    return { rows: raw.rows.map(convert), fields: raw.fields, pageToken: raw.pageToken };
  }

  /** One page of unparsed rows (`{f: [{v}]}`) with the result's fields. */
  private async rawPage(
    job: Job,
    query: QuerySpec | undefined,
    maxResults: number,
    pageToken?: string,
  ): Promise<RawPage & { fields: BigQueryField[] }> {
    try {
      for (;;) {
        const [rows, , response] = await job.getQueryResults({
          maxResults,
          pageToken,
          autoPaginate: false,
          skipParsing: true,
        });
        const results = (response ?? {}) as ResultsResponse;
        if (results.jobComplete === false) continue;
        return {
          rows: rows as unknown as Array<{ f: RawCell[] }>,
          fields: results.schema?.fields ?? [],
          pageToken: results.pageToken,
        };
      }
    } catch (err) {
      throw bigqueryError(this.site(query), err);
    }
  }

  /** All rows of a small result. */
  private async all(sql: string, query?: QuerySpec): Promise<Row[]> {
    const job = await this.startJob(sql, query);
    const rows: Row[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.page(job, query, 10_000, pageToken);
      rows.push(...page.rows);
      pageToken = page.pageToken;
    } while (pageToken);
    return rows;
  }

  private site(query?: QuerySpec) {
    return { kind: this.kind, sourceName: this.sourceName, query };
  }
}
