/**
 * The common part of the warehouse protocol fakes that answer HTTP on 127.0.0.1 and run the
 * SQL on an in-memory DuckDB (Snowflake, BigQuery): starting on an ephemeral port, the
 * DuckDB connection for fixture loaders, serialized DuckDB work, transient-failure switching
 * and shutdown. Each fake supplies its routes and its result store.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDuckDB, type DuckDBHandle } from '../../../util/duckdb.js';

/** Base class of the DuckDB-backed HTTP protocol fakes; see the file comment. */
export abstract class DuckDBHttpFake {
  /** Set by failTransiently(); each fake answers it in its warehouse's transient-error shape. */
  protected transientFailures = false;
  private queue: Promise<unknown> = Promise.resolve();

  protected constructor(
    protected readonly duck: DuckDBHandle,
    protected readonly server: Server,
  ) {}

  /** Opens a UTC in-memory DuckDB and an HTTP server, builds the fake with them and listens. */
  protected static async listen<T extends DuckDBHttpFake>(make: (duck: DuckDBHandle, server: Server) => T): Promise<T> {
    const duck = await openDuckDB(':memory:');
    await duck.connection.run("SET TimeZone = 'UTC'");
    const server = createServer();
    const fake = make(duck, server);
    server.on('request', (request, response) => void fake.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The base URL to give the client. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The DuckDB connection holding the warehouse's tables, for fixture loaders. */
  get duckdb(): DuckDBConnection {
    return this.duck.connection;
  }

  /** Runs `work` alone on the DuckDB connection (requests may overlap; DuckDB calls may not). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** From now on requests fail as the warehouse's transient error until clear(). */
  failTransiently(): void {
    this.transientFailures = true;
  }

  clear(): void {
    this.transientFailures = false;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.exclusive(() => this.dropResults());
    this.duck.close();
  }

  /** Drops the result tables the fake kept for paging. */
  protected abstract dropResults(): Promise<void>;

  /** Answers one HTTP request. */
  protected abstract handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}
