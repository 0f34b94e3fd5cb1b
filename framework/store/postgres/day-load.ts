/**
 * A day load into the PostgreSQL store: one pooled client, one transaction, each batch of
 * rows sent with COPY FROM STDIN (text format). The day's advisory lock (day-lock.ts) is taken
 * before its old rows are deleted, so loads of one day from several processes run one after
 * the other. A rollback, an error or a lost connection
 * aborts the transaction, leaving the previous version of the day and its ledger row.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { TABLES, type EventRecord, type MetricRecord, type RejectRecord } from '../schema.js';
import { beginDay, commitDay, type DayTransactionSteps } from '../day-transaction.js';
import type {
  ColumnarDayLoad,
  DayLoad,
  DayLoadTarget,
  EventsCsvSpec,
  HeldValueOnlyRow,
  LedgerEntry,
  MetricsCsvLoad,
  MetricsCsvSpec,
  SqlExecutor,
} from '../types.js';
import { checkHeld, heldRejectsSql, heldTable } from '../held-rows.js';
import { copyLines, type CopyValue } from './copy-text.js';
import { lockDay } from './day-lock.js';
import { PostgresEventsCsvLoad } from './event-csv-load.js';
import { PostgresMetricsCsvLoad } from './metric-csv-load.js';

const METRIC_COLUMNS = 'ingestion, "date", unit_id, id_type, metric_name, metric_value, numerator, denominator';
const EVENT_COLUMNS =
  'ingestion, day, "timestamp", event_name, event_value, event_metadata, "user", user_id, custom_ids, timeuuid';
const REJECT_COLUMNS = 'ingestion, "date", "row", "column", rule, reason, load_id';

/**
 * Runs statements that select one day's rows (its deletes) through the BRIN index on
 * (ingestion, day). Without statistics (a new store, or a table autovacuum has not analyzed
 * since a backfill began) PostgreSQL plans them as a sequential scan of the whole table, so
 * every day of a backfill read every row the days before it had loaded: 10 days of 300,000 rows
 * took 1 ms for the first day's delete and 250 ms for the sixth (docs/engine.md, The store).
 * The index answers in under a millisecond for the ranges it has summarized; the setting is
 * restored before anything else runs.
 */
async function throughDayIndex<T>(sql: SqlExecutor, run: () => Promise<T>): Promise<T> {
  await sql.exec('SET LOCAL enable_seqscan = off');
  const result = await run();
  await sql.exec('SET LOCAL enable_seqscan TO DEFAULT');
  return result;
}

const DAY_INDEX = { events: 'events_ingestion_day_brin', metrics: 'metrics_ingestion_date_brin' } as const;

/**
 * Summarizes the BRIN ranges the day's rows filled, before the day commits. A range nobody has
 * summarized matches every day, so the next day's delete would read it whole; autovacuum
 * summarizes ranges too, but only at its next round (a minute by default), after a backfill
 * has loaded many more days. It takes a lock concurrent loads' summaries also take: a load that
 * would wait more than 50 ms for it leaves its ranges to the next load or to autovacuum, as does
 * a store user who does not own the index (the summary is an optimisation, never a condition).
 */
async function summarizeNewRanges(sql: SqlExecutor, dataset: 'events' | 'metrics'): Promise<void> {
  await sql.exec('SAVEPOINT wharf_day_index');
  try {
    await sql.exec("SET LOCAL lock_timeout = '50ms'");
    await sql.query('SELECT brin_summarize_new_values(to_regclass($1))', [DAY_INDEX[dataset]]);
    await sql.exec('SET LOCAL lock_timeout TO DEFAULT');
    await sql.exec('RELEASE SAVEPOINT wharf_day_index');
  } catch {
    await sql.exec('ROLLBACK TO SAVEPOINT wharf_day_index');
    await sql.exec('RELEASE SAVEPOINT wharf_day_index');
  }
}

class ClientSql implements SqlExecutor {
  constructor(private readonly client: pg.PoolClient) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(sql, params)).rows as T[];
  }
  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }
}

export class PostgresDayLoad implements DayLoad {
  private readonly sql: SqlExecutor;
  private done = false;
  private held = false;
  previous: LedgerEntry | null = null;
  /** Columnar loads of the day, whose staging is dropped however the day ends. */
  private readonly csvLoads: (PostgresMetricsCsvLoad | PostgresEventsCsvLoad)[] = [];

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly target: Required<DayLoadTarget>,
  ) {
    this.sql = new ClientSql(client);
  }

  get loadId(): string {
    return this.target.loadId;
  }

  static async begin(
    pool: pg.Pool,
    target: Required<DayLoadTarget>,
    onWait?: (holder: string) => void,
  ): Promise<PostgresDayLoad> {
    const load = new PostgresDayLoad(await pool.connect(), target);
    load.previous = await beginDay(load.sql, target, {
      ...load.steps(),
      lock: () => lockDay(load.sql, target.ingestion, target.date, onWait),
      clear: (clear) => throughDayIndex(load.sql, clear),
    });
    return load;
  }

  private async copy(table: string, columns: string, rows: CopyValue[][]): Promise<void> {
    const stream = this.client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
    await pipeline(Readable.from([copyLines(rows)]), stream);
  }

  async appendRows(rows: EventRecord[] | MetricRecord[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.target.dataset === 'metrics') {
      const values = (rows as MetricRecord[]).map((r) => [
        r.ingestion,
        r.date,
        r.unit_id,
        r.id_type,
        r.metric_name,
        r.metric_value,
        r.numerator,
        r.denominator,
      ]);
      return this.copy(TABLES.metrics, METRIC_COLUMNS, values);
    }
    const values = (rows as EventRecord[]).map((r) => [
      r.ingestion,
      r.day,
      r.timestamp.toISOString().replace('T', ' ').replace('Z', ''),
      r.event_name,
      r.event_value,
      r.event_metadata,
      r.user,
      r.user_id,
      r.custom_ids,
      r.timeuuid,
    ]);
    return this.copy(TABLES.events, EVENT_COLUMNS, values);
  }

  async appendRejects(rejects: RejectRecord[]): Promise<void> {
    if (rejects.length === 0) return;
    const values = rejects.map((r) => [r.ingestion, r.date, r.row, r.column, r.rule, r.reason, this.target.loadId]);
    return this.copy(TABLES.rejects, REJECT_COLUMNS, values);
  }

  async holdValueOnlyRows(rows: HeldValueOnlyRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.held) {
      // Dropped at commit; a rollback undoes its creation.
      await this.client.query(
        `CREATE TEMP TABLE ${heldTable(this.loadId)} (seq BIGSERIAL, metric_name TEXT, "row" TEXT) ON COMMIT DROP`,
      );
      this.held = true;
    }
    await this.copy(
      heldTable(this.loadId),
      'metric_name, "row"',
      rows.map((r) => [r.metric, r.row]),
    );
  }

  /**
   * Turns one metric's held rows into its rejects: the rows as received (held by the engine),
   * not as loaded. Returns how many there were.
   */
  private async rejectHeld(metric: string, reason: string): Promise<number> {
    if (!this.held) return 0;
    const t = this.target;
    const result = await this.client.query(heldRejectsSql(heldTable(this.loadId), 'seq'), [
      t.ingestion,
      t.date,
      reason,
      t.loadId,
      metric,
    ]);
    return result.rowCount ?? 0;
  }

  async rejectNullDenominators(metricNames: string[], reason: (metric: string) => string): Promise<number> {
    let moved = 0;
    const t = this.target;
    for (const name of metricNames) {
      const deleted = await throughDayIndex(this.sql, () =>
        this.client.query(
          `DELETE FROM ${TABLES.metrics} WHERE ingestion = $1 AND "date" = $2::date AND metric_name = $3 AND denominator IS NULL`,
          [t.ingestion, t.date, name],
        ),
      );
      const held = await this.rejectHeld(name, reason(name));
      checkHeld(name, deleted.rowCount ?? 0, held);
      moved += held;
    }
    return moved;
  }

  /** The day's rows checked set-based in an in-process DuckDB, each file's accepted rows sent on with COPY. */
  metricsCsv(spec: MetricsCsvSpec): MetricsCsvLoad {
    const load = new PostgresMetricsCsvLoad(this.target, spec, {
      client: this.client,
      appendRejects: (rejects) => this.appendRejects(rejects),
      holdValueOnlyRows: (rows) => this.holdValueOnlyRows(rows),
      rejectNullDenominators: (metrics, reason) => this.rejectNullDenominators(metrics, reason),
    });
    this.csvLoads.push(load);
    return load;
  }

  /** The day's events checked set-based in an in-process DuckDB, sent with one COPY once deduplicated. */
  eventsCsv(spec: EventsCsvSpec): ColumnarDayLoad {
    const load = new PostgresEventsCsvLoad(this.target, spec, {
      client: this.client,
      appendRejects: (rejects) => this.appendRejects(rejects),
    });
    this.csvLoads.push(load);
    return load;
  }

  async commit(entry: LedgerEntry): Promise<void> {
    await commitDay(this.sql, entry, this.steps());
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.disposeStaging().catch(() => undefined);
    try {
      await this.client.query('ROLLBACK');
      this.client.release();
    } catch (err) {
      // A client whose rollback failed may be mid-protocol: destroy it instead of pooling it.
      this.client.release(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private steps(): DayTransactionSteps {
    return {
      settle: async () => {
        await this.disposeStaging();
        await summarizeNewRanges(this.sql, this.target.dataset);
      },
      finish: () => this.finish(),
      rollback: () => this.rollback(),
    };
  }

  private async disposeStaging(): Promise<void> {
    for (const load of this.csvLoads.splice(0)) await load.dispose();
  }

  private finish(): void {
    this.done = true;
    this.client.release();
  }
}
