/**
 * The S3 connector: a mapping reads the dataset folder named by its `dataset` (`events/` or
 * `metrics/`), one `YYYY-MM-DD/` folder per day. The day's folder selects the files; the day
 * filter (timestamp or date column) is still applied to their rows, so rows of other days that
 * landed in a folder are not loaded twice. A day has data when its folder holds parquet files.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { IsoDate, S3Source } from '../../config/types.js';
import { WharfError } from '../../diagnostics/errors.js';
import { abortedError } from '../shared/errors.js';
import { sourceOutOfMemory, type SourceDuckDB } from '../shared/source-duckdb.js';
import type { DuckDBConnection } from '@duckdb/node-api';
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
import { S3_CAPABILITIES } from './capabilities.js';
import { s3ColumnarExport } from './columnar.js';
import { filteredSql, limitSql, statsSql, userQuery } from './day-sql.js';
import { queryError, s3Error } from './errors.js';
import { S3Layout, type ParquetObject } from './layout.js';
import { describeQuery, ParquetReader, readAll } from './parquet-reader.js';
import { readLatestFinishedDate } from './signals.js';

export class S3Connector implements Connector {
  readonly kind = 's3';
  readonly capabilities = S3_CAPABILITIES;
  readonly sourceName: string;
  private readonly layout: S3Layout;
  private readonly reader: ParquetReader;
  /** The last description of each query, with the latest day's files it was read from. */
  private readonly described = new Map<string, { version: string; columns: ColumnInfo[] }>();
  /** Days exported in bulk, each day's files read by DuckDB (see columnar.ts). */
  readonly columnar: ColumnarExport = s3ColumnarExport({
    describe: (query) => this.describe(query),
    withDayFiles: (query, filter, work) => this.withDayFiles(query, filter, work),
  });

  constructor(
    config: S3Source,
    private readonly client: S3Client,
    private readonly duckdb: SourceDuckDB,
  ) {
    this.sourceName = config.name;
    this.layout = new S3Layout(client, config.bucket, config.prefix);
    this.reader = new ParquetReader(client, config.bucket, duckdb);
  }

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    const files = await this.latestDayFiles(query);
    // A load describes its query more than once (its plan, then its export): while the latest
    // day's files are the same objects, their columns are too, without downloading them again.
    const version = JSON.stringify(files.map((f) => [f.key, f.size, f.etag ?? null]));
    const known = this.described.get(query.sql);
    if (known?.version === version) return known.columns;
    const columns = await this.query(query, () =>
      this.reader.withFiles(files, (c) => describeQuery(c, userQuery(query))),
    );
    this.described.set(query.sql, { version, columns });
    return columns;
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    const files = await this.dayFiles(query, filter.day);
    if (files.length === 0) return;
    try {
      yield* this.reader.streamFiles(files, filteredSql(query, filter), options.batchSize, options.signal);
    } catch (err) {
      if (options.signal?.aborted) throw abortedError({ kind: 's3', sourceName: this.sourceName, query });
      throw this.classify(
        err,
        query,
        `read s3://${this.layout.bucket}/${this.layout.dayKey(query.dataset, filter.day)}`,
      );
    }
  }

  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    const files = await this.latestDayFiles(query);
    return this.query(query, () => this.reader.withFiles(files, (c) => readAll(c, limitSql(query, limit))));
  }

  async dayStats(query: QuerySpec, filters: DayFilter[], options: DayStatsOptions = {}): Promise<DayStats[]> {
    const stats: DayStats[] = [];
    for (const filter of filters) stats.push(await this.oneDayStats(query, filter, options.fingerprint !== false));
    return stats;
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    try {
      return await this.layout.dayHasFiles(query.dataset, filter.day);
    } catch (err) {
      throw s3Error(
        err,
        this.sourceName,
        `list s3://${this.layout.bucket}/${this.layout.dayKey(query.dataset, filter.day)}`,
      );
    }
  }

  /** Latest `finished_date` in the `signals/` folder's parquet files (the table argument is not used). */
  async latestFinishedDate(): Promise<IsoDate | null> {
    const where = `s3://${this.layout.bucket}/${this.layout.folderKey('signals')}`;
    let files: ParquetObject[];
    try {
      files = await this.layout.parquetUnder(this.layout.folderKey('signals'));
    } catch (err) {
      throw s3Error(err, this.sourceName, `list ${where}`);
    }
    if (files.length === 0) return null;
    try {
      return await this.reader.withFiles(files, (c) => readLatestFinishedDate(c, this.sourceName, where));
    } catch (err) {
      throw s3Error(err, this.sourceName, `read ${where}`);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
    this.duckdb.close();
  }

  private async withDayFiles(
    query: QuerySpec,
    filter: DayFilter,
    work: (connection: DuckDBConnection) => Promise<void>,
  ): Promise<void> {
    const files = await this.dayFiles(query, filter.day);
    if (files.length === 0) return;
    try {
      await this.reader.withFiles(files, work);
    } catch (err) {
      throw this.classify(
        err,
        query,
        `read s3://${this.layout.bucket}/${this.layout.dayKey(query.dataset, filter.day)}`,
      );
    }
  }

  private async oneDayStats(query: QuerySpec, filter: DayFilter, fingerprint: boolean): Promise<DayStats> {
    const files = await this.dayFiles(query, filter.day);
    if (files.length === 0) return { day: filter.day, rowCount: 0, fingerprint: null };
    const [row] = await this.query(query, () =>
      this.reader.withFiles(files, (c) => readAll(c, statsSql(query, filter, fingerprint))),
    );
    return {
      day: filter.day,
      rowCount: Number(row.row_count),
      fingerprint: fingerprint ? String(row.fingerprint) : null,
    };
  }

  private async dayFiles(query: QuerySpec, day: IsoDate): Promise<ParquetObject[]> {
    try {
      return await this.layout.dayFiles(query.dataset, day);
    } catch (err) {
      throw s3Error(err, this.sourceName, `list s3://${this.layout.bucket}/${this.layout.dayKey(query.dataset, day)}`);
    }
  }

  /** The files of the most recent day folder that has parquet files (describe and sample read these). */
  private async latestDayFiles(query: QuerySpec): Promise<ParquetObject[]> {
    const folder = `s3://${this.layout.bucket}/${this.layout.folderKey(query.dataset)}`;
    let days: IsoDate[];
    try {
      days = await this.layout.days(query.dataset);
    } catch (err) {
      throw s3Error(err, this.sourceName, `list ${folder}`);
    }
    for (const day of days.reverse()) {
      const files = await this.dayFiles(query, day);
      if (files.length > 0) return files;
    }
    throw new WharfError(
      `S3 source '${this.sourceName}': no parquet files in any YYYY-MM-DD folder under ${folder}, so mapping '${query.mapping}' has nothing to read yet.`,
      {
        code: 's3.no-files',
        errorClass: 'config',
        hint: `Upload a day's parquet files to ${folder}YYYY-MM-DD/, or check \`bucket\` and \`prefix\` of source '${this.sourceName}'.`,
      },
    );
  }

  private async query<T>(query: QuerySpec, work: () => Promise<T>): Promise<T> {
    try {
      return await this.duckdb.withinCap(work);
    } catch (err) {
      throw this.classify(err, query, `read s3://${this.layout.bucket}/${this.layout.folderKey(query.dataset)}`);
    }
  }

  /**
   * S3 failures carry AWS metadata; anything else thrown while querying is DuckDB rejecting the
   * SQL, or running out of the source's memory cap.
   */
  private classify(err: unknown, query: QuerySpec, what: string): WharfError {
    if (err instanceof WharfError) return err;
    const outOfMemory = sourceOutOfMemory({ kind: 's3', sourceName: this.sourceName, query }, err);
    if (outOfMemory) return outOfMemory;
    if (err && typeof err === 'object' && ('$metadata' in err || 'code' in err))
      return s3Error(err, this.sourceName, what);
    return queryError(err, query);
  }
}
