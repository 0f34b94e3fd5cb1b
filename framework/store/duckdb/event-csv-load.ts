/**
 * The columnar events load into the DuckDB store. Each file of the day's export goes into
 * `events` with one `INSERT … SELECT … FROM read_csv(…) WHERE <the row rules>` (event-csv-sql.ts),
 * after one read of the file's distinct user and metadata texts, checked once each, names the
 * few that fail (or, when there are many, the JSON checks run row by row in the insert).
 * Only when that leaves rows behind is the file read again for them, each checked by the row
 * path's own checks: rejected with the row path's rule, reason and stored row, or accepted as
 * the row path stores it, and then the file's rows are written again in export order, so the
 * dedupe below keeps the same first row as the row path. At the end of the day, rows whose
 * timeuuid repeats an earlier row's are dropped and counted. Everything happens on the day
 * load's connection, inside its open transaction, so a failure leaves the previous day untouched.
 */
import { copyLineFields } from './copy-line.js';
import {
  DuckDBTimestampValue,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  type DuckDBResultReader,
  type DuckDBValue,
} from '@duckdb/node-api';
import { TABLES, type EventRecord, type RejectRecord } from '../schema.js';
import type { ColumnarDayLoad, ColumnarDayResult, DayLoadTarget, EventsCsvSpec } from '../types.js';
import { CsvLoadTally, type CsvDayLoadHooks } from './csv-load-tally.js';
import {
  EVENT_COLUMNS,
  eventColumns,
  eventRowOk,
  eventRowOkKnown,
  eventsSource,
  fileTexts,
  knownTextsSource,
  rawEventColumns,
  readEventsCsv,
  TEXT_KINDS,
  timeuuidRepeats,
  type FileTexts,
} from './event-csv-sql.js';

const PAGE_ROWS = 10_000;
/**
 * Most texts of a kind (failing users, failing metadata, names with a space) a file's statement
 * names, and their total length: each row's text is compared with each named one. A kind with
 * more is checked (or rewritten) row by row.
 */
const NAMED_TEXTS = { count: 64, chars: 65_536 };
/** The start of an insert of a day's events; the selected columns follow. */
const INSERT_EVENTS = `INSERT INTO ${TABLES.events} (ingestion, day, ${EVENT_COLUMNS}) SELECT $1, CAST($2 AS DATE),`;
const FIXED_COLUMNS =
  '"timestamp" TIMESTAMP, event_name VARCHAR, event_value VARCHAR, event_metadata VARCHAR, ' +
  '"user" VARCHAR, user_id VARCHAR, custom_ids VARCHAR, timeuuid VARCHAR';

/** A file's source, the condition its rows are stored on and their stored columns (eventColumns). */
interface FileChecks {
  from: string;
  ok: string;
  columns: string;
}

export class DuckDBEventsCsvLoad implements ColumnarDayLoad {
  private readonly tally = new CsvLoadTally();
  private readonly id: string;
  private readonly sql: { ok: string; columns: string; raw: string };
  /** The previous file's distinct texts (none failing, to begin with): the next file's first guess. */
  private previousTexts: FileTexts = { user: [], metadata: [], spacedNames: [] };
  private sideReady = false;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: Required<DayLoadTarget>,
    private readonly spec: EventsCsvSpec,
    private readonly dayLoad: CsvDayLoadHooks,
  ) {
    this.id = target.loadId.replace(/[^a-z0-9]/gi, '');
    this.sql = { ok: eventRowOk(spec), columns: eventColumns(spec), raw: rawEventColumns(spec) };
  }

  async append(file: string, rows: number): Promise<void> {
    if (rows === 0) return;
    await this.dayLoad.ready;
    const csv = readEventsCsv(file, this.spec);
    const { checks, bulk } = await this.insertChecked(csv);
    this.tally.rowsRead += rows;
    this.tally.rowsLoaded += bulk;
    if (this.spec.fingerprint) await this.tally.addFileFingerprint(this.connection, csv);
    if (bulk < rows) await this.checkLeftOver(checks, bulk);
  }

  /**
   * Inserts a file's rows that pass the checks, returning the checks and how many passed.
   * With a side connection, the file's distinct texts are read on it while the rows are
   * inserted with the checks the previous file's texts called for (a day's files are alike):
   * those checks are the file's own when every text of the file they treat as passing does
   * pass (`covers`). When one does not, the rows just inserted are dropped and inserted again
   * with the file's own checks, which the next files then start from.
   */
  private async insertChecked(csv: string): Promise<{ checks: FileChecks; bulk: number }> {
    const side = this.dayLoad.sideConnection ? await this.dayLoad.sideConnection() : null;
    if (!side) {
      const checks = this.fileChecks(csv, await this.fileTexts(csv, this.connection));
      return { checks, bulk: await this.insert(checks) };
    }
    const guess = this.previousTexts;
    const checks = this.fileChecks(csv, guess, true);
    const [texts, inserted] = await settled(this.fileTexts(csv, side, true), this.insert(checks));
    this.previousTexts = texts;
    if (covers(guess, texts)) return { checks, bulk: inserted };
    await this.dropLastRows(inserted);
    const own = this.fileChecks(csv, texts);
    return { checks: own, bulk: await this.insert(own) };
  }

  private async insert(checks: FileChecks): Promise<number> {
    const sql = `${INSERT_EVENTS} ${checks.columns} FROM ${checks.from} WHERE ${checks.ok}`;
    return Number((await this.checked(sql, this.params())).rowsChanged);
  }

  /**
   * How a file's rows are checked: its JSON texts once each when few of them fail (named in the
   * statement), else row by row; its names with a space rewritten, when few. `guessed`: the
   * texts may be another file's, so a failing text of this file may be missing from them: the
   * user's ids are then read with TRY (an invalid text, stored by mistake and then dropped,
   * must not fail the statement, which would end the day's transaction).
   */
  private fileChecks(csv: string, texts: FileTexts, guessed = false): FileChecks {
    const columns = eventColumns(this.spec, texts.spacedNames, guessed);
    const { user, metadata } = texts;
    if (user === null || metadata === null) return { from: eventsSource(csv, this.spec), ok: this.sql.ok, columns };
    return { from: knownTextsSource(csv, this.spec), ok: eventRowOkKnown(this.spec, { user, metadata }), columns };
  }

  /** The file's distinct texts of each kind (see FileTexts); null for a kind with too many to name. */
  private async fileTexts(csv: string, connection: DuckDBConnection, side = false): Promise<FileTexts> {
    const limit = NAMED_TEXTS.count + 1;
    const sql = fileTexts(csv, this.spec, limit);
    const found = side
      ? await this.onSide(connection, sql)
      : await this.withoutPushdown(() => connection.runAndReadAll(sql));
    const texts: FileTexts = { user: [], metadata: [], spacedNames: [] };
    for (const [kind, text] of found.getRowsJS() as [number, string][]) texts[TEXT_KINDS[Number(kind)]]!.push(text);
    for (const kind of TEXT_KINDS) {
      const named = texts[kind]!;
      const chars = named.reduce((n, text) => n + text.length, 0);
      // A NUL would end the statement's text early.
      if (named.length === limit || chars > NAMED_TEXTS.chars || named.some((t) => t.includes('\0')))
        texts[kind] = null;
    }
    return texts;
  }

  /** Runs a distinct-texts query on the side connection, which keeps the filter pushdown off (see checked). */
  private async onSide(side: DuckDBConnection, sql: string): Promise<DuckDBResultReader> {
    if (!this.sideReady) {
      await side.run(`SET disabled_optimizers = 'filter_pushdown'`);
      this.sideReady = true;
    }
    return side.runAndReadAll(sql);
  }

  async appendOversize(line: string): Promise<void> {
    const { fields, term } = copyLineFields(line, this.spec.fingerprint);
    this.tally.addFingerprint(term);
    this.tally.rowsRead += 1;
    const table = await this.fixedTable();
    const appender = await this.connection.createAppender(table, 'main', 'temp');
    const fixed = await this.checkRows([[0n, ...fields]], appender);
    appender.closeSync();
    if (fixed) await this.connection.run(`${INSERT_EVENTS} ${EVENT_COLUMNS} FROM ${table}`, this.params());
    await this.connection.run(`DROP TABLE ${table}`);
    this.tally.rowsLoaded += fixed;
  }

  async finish(): Promise<ColumnarDayResult> {
    const duplicates = this.spec.timeuuid ? await this.dropDuplicates() : 0;
    return {
      rowsRead: this.tally.rowsRead,
      rowsLoaded: this.tally.rowsLoaded - duplicates,
      duplicates,
      fingerprintSum: this.tally.fingerprintSum(),
      problems: this.tally.problems(),
    };
  }

  /**
   * Runs a statement that checks a file's rows without DuckDB's filter pushdown: pushing the
   * checks below the projection that derives the JSON key lists copies each list's expression
   * into the filter once per reference (a filter shares no common subexpressions), so each
   * text was parsed a dozen times, which cost more than the rest of the load. Only these
   * statements: the day's deletes and dedupe want the pushdown into the store's scans.
   */
  private async checked(sql: string, params?: DuckDBValue[]): Promise<DuckDBMaterializedResult> {
    return this.withoutPushdown(() => this.connection.run(sql, params));
  }

  private async withoutPushdown<T>(statement: () => Promise<T>): Promise<T> {
    await this.connection.run(`SET disabled_optimizers = 'filter_pushdown'`);
    try {
      return await statement();
    } finally {
      // After a failed statement the transaction takes nothing but ROLLBACK (the load fails with that statement's
      // error); a setting left behind only slows the day's remaining statements.
      await this.connection.run('RESET disabled_optimizers').catch(() => undefined);
    }
  }

  private params(): DuckDBValue[] {
    return [this.target.ingestion, this.target.date];
  }

  /**
   * The rows of a file the bulk insert left behind, in file order: the row path's checks, one
   * by one. When they accept some, the file's `bulk` rows just inserted are replaced by all
   * of its accepted rows in file order (DuckDB keeps a file's order however many threads read
   * it, and numbers rows with `row_number() OVER ()` in a streaming window, so numbering its
   * rows twice gives the same numbers).
   */
  private async checkLeftOver({ from, ok }: FileChecks, bulk: number): Promise<void> {
    const numbered = `(SELECT row_number() OVER () AS ln, * FROM ${from})`;
    const unsure = `wharf_unsure_${this.id}`;
    const table = await this.fixedTable();
    const appender = await this.connection.createAppender(table, 'main', 'temp');
    let fixed = 0;
    const { raw } = this.sql;
    await this.checked(`CREATE TEMP TABLE ${unsure} AS
      SELECT ln, ${raw} FROM ${numbered} WHERE NOT coalesce(${ok}, false)`);
    try {
      for (let last = 0n; ;) {
        const sql = `SELECT * FROM ${unsure} WHERE ln > ${last} ORDER BY ln LIMIT ${PAGE_ROWS}`;
        const page = (await this.connection.runAndReadAll(sql)).getRowsJS();
        if (page.length === 0) break;
        last = page[page.length - 1][0] as bigint;
        fixed += await this.checkRows(page as (bigint | string | null)[][], appender);
      }
      appender.closeSync();
      if (fixed > 0) await this.rewriteInOrder({ numbered, ok, fixedTable: table }, bulk);
      this.tally.rowsLoaded += fixed;
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${unsure}`);
      await this.connection.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }

  private async rewriteInOrder(
    { numbered, ok, fixedTable }: { numbered: string; ok: string; fixedTable: string },
    bulk: number,
  ): Promise<void> {
    await this.dropLastRows(bulk);
    await this.checked(
      `${INSERT_EVENTS} ${EVENT_COLUMNS} FROM (
        SELECT ln, ${this.sql.columns} FROM ${numbered} WHERE ${ok}
        UNION ALL SELECT ln, ${EVENT_COLUMNS} FROM ${fixedTable}
      ) ORDER BY ln`,
      this.params(),
    );
  }

  /** Drops the day's last `n` rows: the load cleared the day when it began, so they are the ones just inserted. */
  private async dropLastRows(n: number): Promise<void> {
    if (n === 0) return;
    const t = this.target;
    await this.connection.run(
      `DELETE FROM ${TABLES.events} WHERE rowid IN (SELECT rowid FROM ${TABLES.events}
        WHERE ingestion = $1 AND day = CAST($2 AS DATE) ORDER BY rowid DESC LIMIT ${n})`,
      [t.ingestion, t.date],
    );
  }

  /** The row path's checks of rows `[ln, ...fields]`: rejects stored and counted, accepted events to `fixed`. */
  private async checkRows(rows: (bigint | string | null)[][], fixed: DuckDBAppender): Promise<number> {
    const rejects: RejectRecord[] = [];
    let accepted = 0;
    for (const [ln, ...fields] of rows) {
      const raw = fields as (string | null)[];
      const checked = this.spec.checkRow(raw);
      if ('rule' in checked) {
        this.tally.count(checked);
        const { ingestion, date } = this.target;
        rejects.push({ ingestion, date, row: this.spec.rowJson(raw), ...checked });
        continue;
      }
      appendEvent(fixed, ln as bigint, checked);
      accepted += 1;
    }
    await this.dayLoad.appendRejects(rejects);
    return accepted;
  }

  private async fixedTable(): Promise<string> {
    const table = `wharf_fixed_${this.id}`;
    await this.connection.run(`CREATE TEMP TABLE ${table} (ln BIGINT, ${FIXED_COLUMNS})`);
    return table;
  }

  /**
   * Drops the rows whose timeuuid repeats an earlier row's (in load order), returning how many.
   * Equal texts have equal hashes, so only a timeuuid whose 64-bit hash repeats can repeat: the
   * day's hashes are sorted and each compared with the one before (cheaper than a distinct count
   * of the texts, whose hash table was most of the day's end), and only the rows of a repeated
   * hash (a repeated timeuuid, or two timeuuids of equal hash) are counted and deduplicated
   * exactly. A day without a repeat costs that one sort.
   */
  private async dropDuplicates(): Promise<number> {
    const day = `ingestion = $1 AND day = CAST($2 AS DATE)`;
    const repeated = `wharf_repeated_${this.id}`;
    await this.connection.run(
      `CREATE TEMP TABLE ${repeated} AS SELECT DISTINCT h FROM (
        SELECT h, lag(h) OVER (ORDER BY h) AS previous FROM (SELECT hash(timeuuid) AS h FROM ${TABLES.events} WHERE ${day})
      ) WHERE h = previous`,
      this.params(),
    );
    try {
      const [[hashes]] = (await this.connection.runAndReadAll(`SELECT count(*) FROM ${repeated}`)).getRows();
      if (Number(hashes) === 0) return 0;
      const { count, drop } = timeuuidRepeats(
        TABLES.events,
        `${day} AND hash(timeuuid) IN (SELECT h FROM ${repeated})`,
      );
      const [[n]] = (await this.connection.runAndReadAll(count, this.params())).getRows();
      const duplicates = Number(n);
      if (duplicates > (await mostToDelete(this.connection))) await this.rewriteDay(day, repeated);
      else if (duplicates > 0) await this.connection.run(drop, this.params());
      return duplicates;
    } finally {
      await this.dropTemp(repeated);
    }
  }

  /**
   * Drops a temp table of the dedupe. After a failed statement the transaction takes nothing but
   * ROLLBACK, which drops it too: that statement's error is the one to report, not this one's.
   */
  private async dropTemp(table: string): Promise<void> {
    await this.connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
  }

  /**
   * Drops many repeats by writing the day again: the day's kept rows (the first of each repeated
   * timeuuid, chosen by an aggregate, and every row of an unrepeated hash) into a temp table in
   * load order, the day's rows deleted, the kept ones inserted back. Deleting the repeats one by
   * one keeps a version entry per deleted row in memory that does not spill, which ran out of
   * the store's cap at a few million repeats (docs/engine.md); dropping all the day's rows, all
   * inserted by this transaction, does not, and the temp tables spill.
   */
  private async rewriteDay(day: string, repeated: string): Promise<void> {
    const [first, drop, kept] = ['first', 'drop', 'kept'].map((t) => `wharf_${t}_${this.id}`);
    const run = (sql: string) => this.connection.run(sql, this.params());
    const events = `${TABLES.events} e`;
    const inRepeated = `${day} AND hash(timeuuid) IN (SELECT h FROM ${repeated})`;
    try {
      await run(
        `CREATE TEMP TABLE ${first} AS SELECT min(rowid) AS id FROM ${events} WHERE ${inRepeated} GROUP BY timeuuid`,
      );
      await run(`CREATE TEMP TABLE ${drop} AS SELECT e.rowid AS id FROM ${events} ANTI JOIN ${first} f ON e.rowid = f.id
        WHERE ${inRepeated}`);
      await run(`CREATE TEMP TABLE ${kept} AS SELECT e.* FROM ${events} ANTI JOIN ${drop} d ON e.rowid = d.id
        WHERE ${day} ORDER BY e.rowid`);
      await run(`DELETE FROM ${TABLES.events} WHERE ${day}`);
      await this.connection.run(`INSERT INTO ${TABLES.events} SELECT * FROM ${kept}`);
    } finally {
      for (const table of [first, drop, kept]) await this.dropTemp(table);
    }
  }
}

/**
 * Most repeats the dedupe deletes one by one under the connection's memory cap (each costs
 * memory that does not spill; 2,500,000 ran out of 96 MB): one per 200 bytes of the cap.
 * Past that, the day is written again (rewriteDay).
 */
async function mostToDelete(connection: DuckDBConnection): Promise<number> {
  const [[limit]] = (await connection.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows();
  const [, size, unit] = /^([\d.]+) ?(bytes|KiB|MiB|GiB|TiB)$/.exec(String(limit)) ?? [];
  const power = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(unit ?? '');
  if (power < 0) return 100_000;
  return Math.floor((Number(size) * 1024 ** power) / 200);
}

/** Both results, once both statements have settled (neither left running on a failure); the first failure. */
async function settled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/**
 * Whether checks built from the `used` texts are exactly a file's own checks, given its `own`
 * texts (whether a text passes depends on the text alone): JSON checked row by row, or every
 * failing text of the file among those named; every name with a space among those rewritten
 * (rewriting a name without one changes nothing), or all rewritten.
 */
function covers(used: FileTexts, own: FileTexts): boolean {
  const within = (u: string[] | null, o: string[] | null) =>
    u === null || (o !== null && o.every((t) => u.includes(t)));
  const json =
    used.user === null ||
    used.metadata === null ||
    (within(used.user, own.user) && within(used.metadata, own.metadata));
  return json && within(used.spacedNames, own.spacedNames);
}

function appendEvent(a: DuckDBAppender, ln: bigint, e: EventRecord): void {
  a.appendBigInt(ln);
  a.appendTimestamp(new DuckDBTimestampValue(BigInt(e.timestamp.getTime()) * 1000n));
  a.appendVarchar(e.event_name);
  for (const v of [e.event_value, e.event_metadata, e.user, e.user_id, e.custom_ids, e.timeuuid]) {
    if (v === null) a.appendNull();
    else a.appendVarchar(v);
  }
  a.endRow();
}
