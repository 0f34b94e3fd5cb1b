/**
 * Where an experiment's pipeline runs: the store (the default) or a source's warehouse (the
 * experiment's `warehouse`). Both are a PipelineExecutor: SQL with positional parameters, a
 * transaction for each run, and the jobs each statement ran — query id, duration, rows
 * written, bytes scanned and billed where the engine reports them — for the job history.
 */
import type { ColumnInfo, SqlSession, SqlStatements, StatementReport } from '../connectors/types.js';
import { internalError } from '../diagnostics/errors.js';
import type { SqlExecutor, StoreConnection } from '../store/types.js';

/** One statement the pipeline ran, as the job history records it. */
export interface PipelineJob {
  /** The engine's id of the statement (Snowflake query id, BigQuery job id), or null. */
  queryId: string | null;
  /** First line of the statement, for reading the history. */
  statement: string;
  startedAt: Date;
  durationMs: number;
  rows: number | null;
  bytesScanned: number | null;
  bytesBilled: number | null;
}

/** Where the artifacts live: the store, or a schema of a source. */
export type PipelineLocation =
  { kind: 'store' } | { kind: 'warehouse'; source: string; sourceKind: string; schema: string };

/** SQL access for the pipeline (see the module comment). */
export interface PipelineExecutor extends SqlExecutor {
  /** The engine, which names its experiment dialect (dialect.ts). */
  readonly kind: string;
  readonly location: PipelineLocation;
  /**
   * Runs `fn` so its writes to `tables` land together or not at all: in one transaction, or on
   * a warehouse whose DDL cannot be rolled back, on staging copies the session swaps in at the
   * end (SqlSession.staged). Absent on a warehouse with neither (BigQuery), where the pipeline
   * stages and swaps with `atomically` (staged-run.ts).
   */
  transaction?<T>(fn: (tx: SqlExecutor) => Promise<T>, tables?: string[]): Promise<T>;
  /** Runs DML statements all or none in one request (see SqlSession.atomically), as one job. */
  atomically?(statements: string[]): Promise<void>;
  /** Result columns of a query over the engine's own tables (warehouse inputs); store: unused. */
  describe?(sql: string): Promise<ColumnInfo[]>;
  /** The jobs run since the last call, oldest first. */
  takeJobs(): PipelineJob[];
  close(): Promise<void>;
}

/** A human name of where the pipeline runs, for messages. */
export function describeLocation(location: PipelineLocation): string {
  return location.kind === 'store'
    ? 'the store'
    : `warehouse '${location.source}' (${location.sourceKind}), schema ${location.schema}`;
}

const firstLine = (sql: string) => sql.trim().split('\n')[0].slice(0, 160);

/** Collects a job per statement; shared by an executor and its transactions. */
class JobLog {
  private jobs: PipelineJob[] = [];

  async time<T>(sql: string, run: () => Promise<{ value: T; report: StatementReport | null }>): Promise<T> {
    const startedAt = new Date();
    const { value, report } = await run();
    this.jobs.push({
      queryId: report?.queryId ?? null,
      statement: firstLine(sql),
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      rows: report?.rows ?? null,
      bytesScanned: report?.bytesScanned ?? null,
      bytesBilled: report?.bytesBilled ?? null,
    });
    return value;
  }

  take(): PipelineJob[] {
    const out = this.jobs;
    this.jobs = [];
    return out;
  }
}

/** The engine an executor runs on; its transactions name it too, so bookkeeping SQL is spelled for it. */
type Engine = Pick<PipelineExecutor, 'kind' | 'location'>;

class LoggedStore implements SqlExecutor {
  readonly kind: string;
  readonly location: PipelineLocation;

  constructor(
    protected readonly sql: SqlExecutor,
    protected readonly log: JobLog,
    engine: Engine,
  ) {
    this.kind = engine.kind;
    this.location = engine.location;
  }

  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    return this.log.time(text, async () => ({ value: await this.sql.query<T>(text, params), report: null }));
  }

  exec(text: string): Promise<void> {
    return this.log.time(text, async () => ({ value: await this.sql.exec(text), report: null }));
  }
}

/** The store as a pipeline executor: its statements are timed (the store reports no ids or bytes). */
export function storeExecutor(store: StoreConnection): PipelineExecutor {
  const log = new JobLog();
  const engine: Engine = { kind: store.kind, location: { kind: 'store' } };
  return new (class extends LoggedStore implements PipelineExecutor {
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return store.transaction((tx) => fn(new LoggedStore(tx, log, engine)));
    }
    takeJobs = () => log.take();
    close = () => store.close();
  })(store, log, engine);
}

class LoggedSession implements SqlExecutor {
  readonly kind: string;
  readonly location: PipelineLocation;

  constructor(
    protected readonly sql: SqlStatements,
    protected readonly log: JobLog,
    engine: Engine,
  ) {
    this.kind = engine.kind;
    this.location = engine.location;
  }

  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]> {
    return this.log.time(text, async () => {
      const { rows, report } = await this.sql.query<T>(text, params);
      return { value: rows, report };
    });
  }

  exec(text: string): Promise<void> {
    return this.log.time(text, async () => ({ value: undefined, report: await this.sql.exec(text) }));
  }
}

/**
 * The executor's `transaction`: the session's staged run when it has one and the caller names
 * the run's tables, else its transaction; none when the session has neither.
 */
function transactionOf(
  session: SqlSession,
  logged: (tx: SqlStatements) => SqlExecutor,
): PipelineExecutor['transaction'] | undefined {
  if (!session.staged && !session.transaction) return undefined;
  return <T>(fn: (tx: SqlExecutor) => Promise<T>, tables?: string[]): Promise<T> => {
    if (session.staged && tables) return session.staged(tables, (tx) => fn(logged(tx)));
    if (!session.transaction) throw internalError(`${session.kind} stages runs only for named tables; none were given`);
    return session.transaction((tx) => fn(logged(tx)));
  };
}

/** A source's SQL session as a pipeline executor, recording what the warehouse reports per statement. */
export function warehouseExecutor(session: SqlSession): PipelineExecutor {
  const log = new JobLog();
  const engine: Engine = {
    kind: session.kind,
    location: { kind: 'warehouse', source: session.sourceName, sourceKind: session.kind, schema: session.schema },
  };
  const sql = new LoggedSession(session, log, engine);
  const transaction = transactionOf(session, (tx) => new LoggedSession(tx, log, engine));
  const atomically = session.atomically?.bind(session);
  return {
    ...engine,
    query: <T>(text: string, params?: unknown[]) => sql.query<T>(text, params),
    exec: (text: string) => sql.exec(text),
    describe: (text: string) => session.describe(text),
    takeJobs: () => log.take(),
    close: () => session.close(),
    ...(transaction && { transaction }),
    ...(atomically && {
      // The whole script is one job: BigQuery reports its id and bytes once, for all its statements.
      atomically: (statements: string[]) =>
        log.time(`script of ${statements.length} statements in one transaction: ${statements[0]}`, async () => ({
          value: undefined,
          report: await atomically(statements),
        })),
    }),
  };
}
