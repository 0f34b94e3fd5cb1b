/**
 * The S3 connector through the shared conformance suite, with the real @aws-sdk/client-s3
 * against s3rver on 127.0.0.1 (a real S3 protocol server, not a fake of Wharf's making).
 *
 * S3 has no tables: each fixture table becomes its own prefix, `tables/<name>/`, whose
 * `events/` and `metrics/` folders hold the table as one parquet file in every day folder the
 * suite reads (never in its empty day). The harness's connector routes each query to the real
 * S3 connector for that prefix and names the relation `source`, as S3 mappings do; the day
 * filter then keeps each day's rows, as it does for misfiled rows in production.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3_TEST_CREDENTIALS, startS3Server, type S3TestServer } from '../../../test/support/s3-server.js';
import type { S3Source } from '../../config/types.js';
import { openDuckDB } from '../../util/duckdb.js';
import { testContext } from '../conformance/context.js';
import { createDuckDBSeries, loadDuckDBTable } from '../conformance/duckdb-fixtures.js';
import type { FixtureColumn, FixtureValue } from '../conformance/harness.js';
import { runConnectorConformance } from '../conformance/index.js';
import { closedLoopbackPort } from '../conformance/loopback.js';
import { connectorFor } from '../registry.js';
import { duckdbTextColumns } from '../shared/duckdb-columnar.js';
import type { ColumnarExport, Connector, DayFilter, QuerySpec, StreamOptions } from '../types.js';

const BUCKET = 'conformance';
/** The days the suite queries: the value rows' day, the PST days around its filter day. */
const TABLE_DAYS = ['2024-03-01', '2024-03-09', '2024-03-10', '2024-03-11', '2024-03-12'];
const WRONG_KEY = 'AKIAWRONGCONFORM1';
const secrets = {
  S3_KEY: S3_TEST_CREDENTIALS.accessKeyId,
  S3_SECRET: S3_TEST_CREDENTIALS.secretAccessKey,
  S3_WRONG_KEY: WRONG_KEY,
};

function source(endpoint: string, extra: Partial<S3Source> = {}): S3Source {
  return {
    kind: 's3',
    name: 'lake',
    region: 'us-east-1',
    bucket: BUCKET,
    endpoint,
    forcePathStyle: true,
    accessKeyId: { env: 'S3_KEY' },
    secretAccessKey: { env: 'S3_SECRET' },
    ...extra,
  };
}

/** Routes each query to the S3 connector of the table it names, rewriting the table to `source`. */
class TableRoutedConnector implements Connector {
  readonly kind = 's3';
  readonly sourceName = 'lake';
  readonly capabilities = { fingerprint: true, signals: 'folder' } as const;
  private readonly open = new Map<string, Promise<Connector>>();

  constructor(private readonly config: S3Source) {}

  /** The bulk export of the table's connector, the table renamed to `source` as for the other calls. */
  readonly columnar: ColumnarExport = {
    textColumns: (columns) => duckdbTextColumns.textColumns(columns),
    exactCsvType: (column) => duckdbTextColumns.exactCsvType(column),
    timestampText: duckdbTextColumns.timestampText,
    parseRow: (columns, raw) => duckdbTextColumns.parseRow(columns, raw),
    copyDays: async (query, filters, options, sink) => {
      const [c, q] = await this.route(query);
      return c.columnar!.copyDays(q, filters, options, sink);
    },
    dayStats: (day, rowCount, sum) => {
      for (const c of this.resolved) {
        const stats = c.columnar!.dayStats(day, rowCount, sum);
        if (stats.fingerprint !== null) return stats;
      }
      return { day, rowCount, fingerprint: null };
    },
  };
  private readonly resolved: Connector[] = [];

  private async route(query: QuerySpec): Promise<[Connector, QuerySpec]> {
    const table = /\bFROM\s+(\w+)/i.exec(query.sql)?.[1] ?? 'unknown';
    if (!this.open.has(table)) {
      this.open.set(
        table,
        connectorFor('s3').then((d) =>
          d.create({ ...this.config, prefix: `tables/${table}` } as never, testContext(secrets)),
        ),
      );
    }
    const connector = await this.open.get(table)!;
    if (!this.resolved.includes(connector)) this.resolved.push(connector);
    return [connector, { ...query, sql: query.sql.replace(new RegExp(`\\bFROM\\s+${table}\\b`, 'i'), 'FROM source') }];
  }

  async describe(query: QuerySpec) {
    const [c, q] = await this.route(query);
    return c.describe(q);
  }
  async *streamDay(query: QuerySpec, filter: DayFilter, options: StreamOptions) {
    const [c, q] = await this.route(query);
    yield* c.streamDay(q, filter, options);
  }
  async sample(query: QuerySpec, limit: number) {
    const [c, q] = await this.route(query);
    return c.sample(q, limit);
  }
  async dayStats(query: QuerySpec, filters: DayFilter[]) {
    const [c, q] = await this.route(query);
    return c.dayStats(q, filters);
  }
  async hasData(query: QuerySpec, filter: DayFilter) {
    const [c, q] = await this.route(query);
    return c.hasData(q, filter);
  }
  async close() {
    for (const c of this.open.values()) await (await c).close();
  }
}

/** Writes a DuckDB table to parquet and uploads it into each day folder of both datasets. */
async function upload(
  server: S3TestServer,
  name: string,
  days: string[],
  build: (db: Awaited<ReturnType<typeof openDuckDB>>) => Promise<void>,
) {
  const folder = mkdtempSync(join(tmpdir(), 'wharf-conformance-'));
  const db = await openDuckDB(':memory:');
  try {
    await build(db);
    const path = join(folder, 'table.parquet');
    await db.connection.run(`COPY ${name} TO '${path}' (FORMAT parquet)`);
    const body = readFileSync(path);
    for (const dataset of ['events', 'metrics']) {
      for (const day of days) await server.put(BUCKET, `tables/${name}/${dataset}/${day}/part-0.parquet`, body);
    }
  } finally {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

runConnectorConformance('s3', {
  protocolFake: false,
  faults: false,
  async open() {
    const server = await startS3Server();
    await server.createBucket(BUCKET);
    const connector = new TableRoutedConnector(source(server.endpoint));
    return {
      connector,
      async createTable(name: string, columns: FixtureColumn[], rows: FixtureValue[][]) {
        await upload(server, name, TABLE_DAYS, (db) => loadDuckDBTable(db.connection, name, columns, rows));
        return name;
      },
      async createSeries(name: string, rowCount: number, day: string) {
        await upload(server, name, [day], (db) => createDuckDBSeries(db.connection, name, rowCount, day));
        return name;
      },
      badCredentials: () => ({
        open: async () => new TableRoutedConnector(source(server.endpoint, { accessKeyId: { env: 'S3_WRONG_KEY' } })),
        secret: WRONG_KEY,
      }),
      unreachable: async () => new TableRoutedConnector(source(`http://127.0.0.1:${await closedLoopbackPort()}`)),
      async close() {
        await connector.close();
        await server.stop();
      },
    };
  },
});
