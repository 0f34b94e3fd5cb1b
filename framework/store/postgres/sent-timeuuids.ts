/**
 * The timeuuids a columnar events day has sent to PostgreSQL, kept in its staging schema for
 * the dedupe (event-csv-load.ts): a staged row whose timeuuid was sent before, or repeats an
 * earlier staged row's, is dropped. A timeuuid that is a UUID in its canonical text (lower
 * case, hyphens, as DuckDB writes a UUID back) is kept as its 16 bytes, any other text as it
 * is: the set then holds 16 bytes and some per event instead of 40-50 for the text (55 MB
 * against 122 MB for 3 million events), and stays exact, since a canonical text and its UUID
 * determine each other and no other text is compared with a UUID.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { timeuuidRepeats } from '../duckdb/event-csv-sql.js';
import { DUCKDB_ROWS } from '../schema.js';

const UUIDS = 'wharf_sent_uuids';
const TEXTS = 'wharf_sent_texts';
/** The staged batch's keys: each row's rowid and its timeuuid as a UUID (NULL when not canonical). */
const KEYS = 'wharf_batch_keys';
/** The staging's events (event-csv-load.ts). */
const EVENTS = DUCKDB_ROWS.events;

export class SentTimeuuids {
  /** Sent timeuuids kept as text. */
  private texts = 0;
  /** Whether dropRepeats dropped staged rows (whose keys remember then leaves out). */
  private dropped = false;

  constructor(private readonly connection: DuckDBConnection) {}

  /** The CREATE TABLE statements of the staging schema. */
  static tables(): string[] {
    return [`CREATE TABLE ${UUIDS} (u UUID)`, `CREATE TABLE ${TEXTS} (timeuuid VARCHAR)`];
  }

  /**
   * Drops the staged events whose timeuuid was sent before or repeats an earlier staged row's
   * (rowid: export order, as the DuckDB store's dedupe reads it); returns how many.
   */
  async dropRepeats(): Promise<number> {
    const c = this.connection;
    // TRY_CAST once per row (a projection shares it); the text read back decides whether it was canonical.
    await c.run(`CREATE OR REPLACE TABLE ${KEYS} AS SELECT r, CASE WHEN CAST(u AS VARCHAR) = t THEN u END AS u
      FROM (SELECT rowid AS r, timeuuid AS t, TRY_CAST(timeuuid AS UUID) AS u FROM ${EVENTS})`);
    let n = await this.changed(
      `DELETE FROM ${EVENTS} WHERE rowid IN (SELECT r FROM ${KEYS} WHERE u IN (SELECT u FROM ${UUIDS}))`,
    );
    if (this.texts > 0) {
      n += await this.changed(`DELETE FROM ${EVENTS} WHERE rowid IN (SELECT r FROM ${KEYS} WHERE u IS NULL)
        AND timeuuid IN (SELECT timeuuid FROM ${TEXTS})`);
    }
    n += await this.dropRepeatedWithin();
    this.dropped = n > 0;
    return n;
  }

  /** Adds the staged events' timeuuids (after dropRepeats) to the sent ones. */
  async remember(): Promise<void> {
    const c = this.connection;
    const kept = this.dropped ? ` AND r IN (SELECT rowid FROM ${EVENTS})` : '';
    await c.run(`INSERT INTO ${UUIDS} SELECT u FROM ${KEYS} WHERE u IS NOT NULL${kept}`);
    this.texts += await this.changed(`INSERT INTO ${TEXTS} SELECT timeuuid FROM ${EVENTS}
      WHERE rowid IN (SELECT r FROM ${KEYS} WHERE u IS NULL)`);
    await c.run(`DROP TABLE ${KEYS}`);
  }

  /** Drops the staged rows whose timeuuid an earlier staged row has. */
  private async dropRepeatedWithin(): Promise<number> {
    const { count, drop } = timeuuidRepeats(EVENTS);
    const [[n]] = (await this.connection.runAndReadAll(count)).getRows();
    if (Number(n) === 0) return 0;
    return this.changed(drop);
  }

  private async changed(sql: string): Promise<number> {
    return Number((await this.connection.run(sql)).rowsChanged);
  }
}
