/**
 * The S3 source's bulk export for the columnar metrics path: each day's parquet files are
 * downloaded and read by DuckDB, which writes the day's rows in COPY's text format into a
 * pipe (shared/duckdb-columnar.ts); two days are exported at once, so the store can load two
 * days side by side. A day's files are read with the columns of that day's files: a day
 * whose files give a mapped column another kind of type than the query's description stops
 * the export with an error (its text would not be what the store's checks were planned for).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { WharfError } from '../../diagnostics/errors.js';
import {
  columnsNamed,
  duckdbTextColumns,
  exportSelect,
  exportThroughPipe,
  FingerprintTokens,
  parquetDayFile,
  parquetSelect,
  textKindOf,
  writeParquet,
} from '../shared/duckdb-columnar.js';
import { daysSelect } from '../shared/wrapped-queries.js';
import type {
  ColumnarExport,
  ColumnInfo,
  CopyDaysOptions,
  DayFilter,
  DayRowSink,
  ParquetDay,
  ParquetDaysOptions,
  ParquetDaySink,
  QuerySpec,
} from '../types.js';
import { PARQUET_DIALECT, statsSql } from './day-sql.js';
import { describeQuery } from './parquet-reader.js';
import { userQuery } from './day-sql.js';

/** Days exported at once. */
const PARALLEL_DAYS = 2;

/** What the export borrows from its connector. */
export interface S3ExportHost {
  describe(query: QuerySpec): Promise<ColumnInfo[]>;
  /** Runs `work` over the day's downloaded files (not at all when the day has none), classing its errors. */
  withDayFiles(query: QuerySpec, filter: DayFilter, work: (c: DuckDBConnection) => Promise<void>): Promise<void>;
}

export function s3ColumnarExport(host: S3ExportHost): ColumnarExport {
  const tokens = new FingerprintTokens();
  return {
    ...duckdbTextColumns,
    async copyDays(query: QuerySpec, filters: DayFilter[], options: CopyDaysOptions, sink: DayRowSink): Promise<void> {
      const planned = columnsNamed(await host.describe(query), options.columns, query);
      const shared = new SharedFlow(sink);
      const exportDay = (filter: DayFilter, day: number) =>
        host.withDayFiles(query, filter, async (connection) => {
          const { columns, token } = await dayStart(connection, { query, filter, options, planned, tokens });
          const select = daysSelect(PARQUET_DIALECT, query.sql, [filter], exportSelect(columns, options.fingerprint));
          const dayTokens = options.fingerprint ? filtersToken(filters.length, day, token) : null;
          const job = { connection, select, route: day, tokens: dayTokens, mapping: query.mapping };
          await exportThroughPipe(job, shared.sink());
        });
      await inParallel(filters, PARALLEL_DAYS, exportDay);
    },
    async parquetDays(query: QuerySpec, filters: DayFilter[], options: ParquetDaysOptions, sink: ParquetDaySink) {
      const planned = columnsNamed(await host.describe(query), options.columns, query);
      const exportDay = async (filter: DayFilter, day: number) => {
        let written: ParquetDay | null = null;
        await host.withDayFiles(query, filter, async (connection) => {
          const { columns, token } = await dayStart(connection, { query, filter, options, planned, tokens });
          const select = daysSelect(PARQUET_DIALECT, query.sql, [filter], parquetSelect(columns, options.columnTypes));
          const file = parquetDayFile(options.dir, day);
          written = { day, file, rows: await writeParquet(connection, select, file), fingerprintTerm: token };
        });
        // The day's downloaded files are gone by now: only the written file waits for the store.
        const done = written as ParquetDay | null;
        if (done && done.rows > 0) await sink(done);
      };
      await inParallel(filters, PARALLEL_DAYS, exportDay);
    },
    dayStats: (day, rowCount, sum) => tokens.dayStats(day, rowCount, sum),
  };
}

/**
 * A day's columns, checked against the planned ones, and with fingerprints the day's token:
 * these fingerprints are not sums of row terms, so the day's is computed first.
 */
async function dayStart(
  connection: DuckDBConnection,
  job: {
    query: QuerySpec;
    filter: DayFilter;
    options: CopyDaysOptions;
    planned: ColumnInfo[];
    tokens: FingerprintTokens;
  },
): Promise<{ columns: ColumnInfo[]; token: string | null }> {
  const { query, filter, options, planned, tokens } = job;
  const columns = columnsNamed(await describeQuery(connection, userQuery(query)), options.columns, query);
  checkKinds(query, filter.day, planned, columns);
  if (!options.fingerprint) return { columns, token: null };
  const [row] = (await connection.runAndReadAll(statsSql(query, filter, true))).getRowsJS();
  return { columns, token: tokens.token(String(row[1])) };
}

function filtersToken(days: number, day: number, token: string | null): (string | null)[] {
  const out: (string | null)[] = new Array(days).fill(null);
  out[day] = token;
  return out;
}

function checkKinds(query: QuerySpec, day: string, planned: ColumnInfo[], actual: ColumnInfo[]): void {
  planned.forEach((p, i) => {
    if (textKindOf(p) === textKindOf(actual[i])) return;
    throw new WharfError(
      `Mapping '${query.mapping}': on ${day} the query's column '${p.name}' is ${actual[i].nativeType}, ` +
        `but ${p.nativeType} in the latest day's files, which the bulk load was planned for.`,
      {
        code: 's3.column-type-changed',
        errorClass: 'query',
        hint: `Cast '${p.name}' to one type in ${query.sqlFile}, so every day's files give the same type.`,
      },
    );
  });
}

/** Runs `work` for every item, at most `width` at once; rejects with the first failure once started work settled. */
async function inParallel<T>(items: T[], width: number, work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const lane = async () => {
    while (failure === null && next < items.length) {
      const i = next++;
      try {
        await work(items[i], i);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  if (failure !== null) throw failure;
}

/**
 * One sink fed by several exports at once: the sink's flow control pauses and resumes every
 * export that is running.
 */
class SharedFlow {
  private readonly flows = new Set<{ pause(): void; resume(): void }>();
  private paused = false;

  constructor(private readonly target: DayRowSink) {
    target.attach({
      pause: () => {
        this.paused = true;
        for (const f of this.flows) f.pause();
      },
      resume: () => {
        this.paused = false;
        for (const f of this.flows) f.resume();
      },
    });
  }

  sink(): DayRowSink {
    let own: { pause(): void; resume(): void } | null = null;
    return {
      row: (day, buf, start, end) => this.target.row(day, buf, start, end),
      attach: (flow) => {
        if (own) this.flows.delete(own);
        own = flow;
        this.flows.add(flow);
        if (this.paused) flow.pause();
      },
    };
  }
}
