/**
 * The Athena connector: the user's SQL (Athena's Trino dialect) wrapped with Wharf's day
 * filter, counts and presence checks, run through AthenaQueryRunner. Athena sessions run in
 * UTC, which the zone-less timestamp bounds of the day filter rely on.
 */
import {
  abortedError,
  ANSI_DIALECT,
  WharfError,
  registerSecret,
  sqlDayQueries,
  type ColumnInfo,
  type Connector,
  type ConnectorContext,
  type DayFilter,
  type DayStats,
  type QuerySpec,
  type Row,
  type StreamOptions,
} from '@wharf/framework';
import type { AthenaSource } from './config.js';
import { AthenaQueryRunner } from './query-runner.js';

export async function openAthena(config: AthenaSource, context: ConnectorContext): Promise<Connector> {
  const sdk = await importSdk();
  const client = new sdk.AthenaClient({ region: config.region, endpoint: config.endpoint, credentials: credentials(config, context), maxAttempts: 3 });
  return new AthenaConnector(config.name, new AthenaQueryRunner(sdk, client, config), () => client.destroy());
}

async function importSdk() {
  try {
    return await import('@aws-sdk/client-athena');
  } catch (err) {
    throw new WharfError('The Athena connector needs @aws-sdk/client-athena, which is not installed.', {
      code: 'athena.sdk-missing',
      errorClass: 'config',
      hint: 'Run `npm install @aws-sdk/client-athena`.',
      cause: err,
    });
  }
}

function credentials(config: AthenaSource, context: ConnectorContext) {
  if (!config.accessKeyId && !config.secretAccessKey) return undefined;
  if (!config.accessKeyId || !config.secretAccessKey) {
    throw new WharfError(`Source '${config.name}' sets only one of accessKeyId and secretAccessKey.`, {
      code: 'athena.partial-credentials',
      errorClass: 'config',
      hint: 'Set both, or neither to use the default AWS credential chain.',
    });
  }
  const accessKeyId = context.resolveSecret(config.accessKeyId, 'accessKeyId');
  const secretAccessKey = context.resolveSecret(config.secretAccessKey, 'secretAccessKey');
  registerSecret(accessKeyId);
  registerSecret(secretAccessKey);
  return { accessKeyId, secretAccessKey };
}

class AthenaConnector implements Connector {
  readonly kind = 'athena';
  readonly capabilities = { fingerprint: false, dryRunEstimate: false, signals: 'table' } as const;

  constructor(
    readonly sourceName: string,
    private readonly runner: AthenaQueryRunner,
    private readonly destroy: () => void,
  ) {}

  async describe(query: QuerySpec): Promise<ColumnInfo[]> {
    return (await this.runner.all(sqlDayQueries(ANSI_DIALECT, query).describe(), query)).columns;
  }

  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions): AsyncIterable<Row[]> {
    let batch: Row[] = [];
    try {
      for await (const page of this.runner.pages(sqlDayQueries(ANSI_DIALECT, query).day(filter), query, options.signal)) {
        for (const row of page.rows) {
          batch.push(row);
          if (batch.length >= options.batchSize) {
            yield batch;
            batch = [];
            options.signal?.throwIfAborted();
          }
        }
      }
    } catch (err) {
      // A stopped read is transient (the day was not fully read); any other failure is the warehouse's.
      if (options.signal?.aborted) throw abortedError({ kind: this.kind, sourceName: this.sourceName, query });
      throw err;
    }
    if (batch.length > 0) yield batch;
  }


  async sample(query: QuerySpec, limit: number): Promise<Row[]> {
    return (await this.runner.all(sqlDayQueries(ANSI_DIALECT, query).sample(limit), query)).rows;
  }

  async dayStats(query: QuerySpec, filters: DayFilter[]): Promise<DayStats[]> {
    const out: DayStats[] = [];
    for (const filter of filters) {
      const { rows } = await this.runner.all(sqlDayQueries(ANSI_DIALECT, query).count(filter), query);
      out.push({ day: filter.day, rowCount: Number(rows[0]?.row_count ?? 0), fingerprint: null });
    }
    return out;
  }

  async hasData(query: QuerySpec, filter: DayFilter): Promise<boolean> {
    const { rows } = await this.runner.all(sqlDayQueries(ANSI_DIALECT, query).exists(filter), query);
    return Number(rows[0]?.has_data ?? 0) === 1;
  }

  async latestFinishedDate(signal: { table?: string }): Promise<string | null> {
    const table = signalTable(signal.table, this.sourceName);
    const { rows } = await this.runner.all(`SELECT CAST(MAX(CAST(finished_date AS DATE)) AS VARCHAR) AS latest FROM ${table}`);
    const latest = rows[0]?.latest;
    return typeof latest === 'string' ? latest : null;
  }

  async close(): Promise<void> {
    this.destroy();
  }
}

/** The signal table name as written in config: dotted identifiers only, so it cannot inject SQL. */
export function signalTable(table: string | undefined, source: string): string {
  if (!table || !/^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}$/.test(table)) {
    throw new WharfError(`Source '${source}': the signal table ${JSON.stringify(table)} is not a table name.`, {
      code: 'signal.table-name',
      errorClass: 'config',
      hint: "Name the table holding finished_date, e.g. table: 'analytics.ingestion_signals'.",
    });
  }
  return table;
}
