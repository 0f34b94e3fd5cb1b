/**
 * A local fake of the template's SQL API on 127.0.0.1, backed by an in-memory DuckDB (opened
 * through Wharf's openDuckDB, so it never downloads extensions). Replace it with a fake of
 * your warehouse's real wire format, or point the conformance test at a real server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBType } from '@duckdb/node-api';
import { openDuckDB, type DuckDBHandle } from '@wharf/framework';

export interface FakeWarehouse {
  endpoint: string;
  db: DuckDBHandle;
  /** Every later request answers 503 until `clearFaults`. */
  failTransiently(): void;
  clearFaults(): void;
  close(): Promise<void>;
}

const TYPES: Partial<Record<DuckDBTypeId, string>> = {
  [DuckDBTypeId.VARCHAR]: 'string',
  [DuckDBTypeId.BIGINT]: 'integer',
  [DuckDBTypeId.INTEGER]: 'integer',
  [DuckDBTypeId.DOUBLE]: 'double',
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.DATE]: 'date',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_TZ]: 'timestamp',
};

function wireType(type: DuckDBType): string {
  return type.alias === 'JSON' ? 'json' : (TYPES[type.typeId] ?? 'string');
}

function wireValue(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint' || type === 'integer') return String(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Date) return type === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  return value;
}

export async function startFakeWarehouse(token: string): Promise<FakeWarehouse> {
  const db = await openDuckDB(':memory:');
  await db.connection.run("SET TimeZone = 'UTC'");
  const results = new Map<string, { columns: { name: string; type: string }[]; rows: unknown[][]; pageSize: number }>();
  let failing = false;
  let queue: Promise<unknown> = Promise.resolve();
  let next = 0;

  async function run(sql: string) {
    const reader = await db.connection.runAndReadAll(sql);
    const types = reader.columnTypes();
    const columns = reader.columnNames().map((name, i) => ({ name, type: wireType(types[i]) }));
    const rows = reader
      .getRows()
      .map((row) =>
        row.map((v, i) => wireValue(JSDuckDBValueConverter(v, types[i], JSDuckDBValueConverter), columns[i].type)),
      );
    return { columns, rows };
  }

  function page(id: string, index: number) {
    const result = results.get(id)!;
    const start = index * result.pageSize;
    const more = start + result.pageSize < result.rows.length;
    return {
      rows: result.rows.slice(start, start + result.pageSize),
      next: more ? `/v1/query/${id}/pages/${index + 1}` : undefined,
    };
  }

  async function handle(req: IncomingMessage, body: string): Promise<[number, unknown]> {
    if (req.headers.authorization !== `Bearer ${token}`) return [401, { error: 'invalid token' }];
    if (failing) return [503, { error: 'warehouse overloaded, retry later' }];
    const parts = (req.url ?? '').split('/').filter(Boolean);
    if (req.method === 'GET' && parts[3] === 'pages' && results.has(parts[2]))
      return [200, page(parts[2], Number(parts[4]))];
    const { sql, pageSize } = JSON.parse(body || '{}') as { sql: string; pageSize: number };
    try {
      const result = await (queue = queue.then(
        () => run(sql),
        () => run(sql),
      ));
      const id = `r${++next}`;
      results.set(id, { ...(result as Awaited<ReturnType<typeof run>>), pageSize });
      return [200, { columns: (result as Awaited<ReturnType<typeof run>>).columns, ...page(id, 0) }];
    } catch (err) {
      return [400, { error: (err as Error).message }];
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void handle(req, body).then(([status, payload]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    failTransiently: () => void (failing = true),
    clearFaults: () => void (failing = false),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
