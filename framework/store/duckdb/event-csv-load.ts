/**
 * The columnar events load into the DuckDB store. Each file of the day's export goes into
 * `events` with one `INSERT … SELECT … FROM read_csv(…) WHERE <the row rules>` (event-csv-sql.ts),
 * after one read of the file's distinct user and metadata texts, checked once each, names the
 * few that fail (or, when there are many, the JSON checks run row by row in the insert).
 * The rows that leaves behind are read again, each checked by the row path's own checks:
 * rejected with the row path's rule, reason and stored row, or accepted as the row path stores it.
 *
 * No row the day will drop is ever inserted: DuckDB writes a transaction's bulk inserts to the
 * file as they come and moves them into the table at commit only when the transaction deleted
 * none of its own new rows; one such delete makes the commit write every row of the day again
 * (docs/engine-measurements.md, "Repeated events"). So a file's texts are read, and its timeuuids compared
 * with the day's so far, before the file is inserted — on the side connection, while the
 * previous file is inserted on the day's (one file behind) — and the rows whose timeuuid hash
 * an earlier row of the day had are held back (event-held-rows.ts). At the end of the day a held row is
 * stored when no stored row and no earlier held row has its timeuuid: the row path keeps the
 * first row of a timeuuid in load order, and every row after a held row with its timeuuid is
 * held too (its hash was seen), so the stored rows with that timeuuid all came before it.
 * Everything happens on the day load's connection, inside its open transaction, so a failure
 * leaves the previous day untouched.
 */
import { linkSync, rmSync } from 'node:fs';
import { copyLineFields } from './copy-line.js';
import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBMaterializedResult,
  DuckDBResultReader,
  DuckDBValue,
} from '@duckdb/node-api';
import { DuckDBTimestampValue } from '../../util/duckdb-api.js';
import { DUCKDB_ROWS, type EventRecord, type RejectRecord } from '../schema.js';
import type { ColumnarDayLoad, ColumnarDayResult, EventsCsvSpec } from '../types.js';
import type { DuckDBDayTarget } from './ingestion-ids.js';
import { CsvLoadTally, type CsvDayLoadHooks } from './csv-load-tally.js';
import { DayTimeuuidHashes, HeldEvents, numbered, type HeldRows } from './event-held-rows.js';
import {
  EVENT_COLUMNS,
  eventColumns,
  eventRowOk,
  eventRowOkKnown,
  eventsSource,
  fileTexts,
  INSERT_EVENTS,
  knownTextsSource,
  rawEventColumns,
  readEventsCsv,
  STORED_EVENT_TYPES,
  TEXT_KINDS,
  type FileTexts,
} from './event-csv-sql.js';

const PAGE_ROWS = 10_000;
/**
 * Most texts of a kind (failing users, failing metadata, names with a space) a file's statement
 * names, and their total length: each row's text is compared with each named one. A kind with
 * more is checked (or rewritten) row by row.
 */
const NAMED_TEXTS = { count: 64, chars: 65_536 };

/** A file's source, the condition its rows are stored on and their stored columns (eventColumns). */
interface FileChecks {
  from: string;
  ok: string;
  columns: string;
}

/** What is read of a file before it is inserted. */
interface FileAnalysis {
  texts: FileTexts;
  /**
   * Its rows whose timeuuid's hash an earlier row of the day, or of the file, had: they may
   * repeat a stored timeuuid, and are held for the day's end.
   */
  held: HeldRows;
}

/** A file read and waiting for its insert (the day's connection inserts one file behind the reads). */
interface ReadFile {
  csv: string;
  rows: number;
  /** Its place in the day's load order (the files and oversize rows, counted). */
  order: number;
  analysis: FileAnalysis;
  /** The load's own link to the file, removed once inserted (the export removes its name as soon as append returns). */
  link: string | null;
}

export class DuckDBEventsCsvLoad implements ColumnarDayLoad {
  private readonly tally = new CsvLoadTally();
  private readonly id: string;
  private readonly sql: { ok: string; columns: string; raw: string; rawTypes: string };
  /** Whether its caller drops them, reading the rows in the order they were inserted, which must then be the file's. */
  private readonly callerDedupes: boolean;
  /** The file read and not inserted yet (with a side connection). */
  private waiting: ReadFile | null = null;
  /** Files and oversize rows so far: the next one's place in the load order. */
  private order = 0;
  private sideReady = false;
  /** The day's timeuuid hashes, when this load drops repeated timeuuids itself. */
  private readonly hashes: DayTimeuuidHashes | null;
  /** Rows held for the day's end (see the module's comment). */
  private readonly held: HeldEvents;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly target: DuckDBDayTarget,
    private readonly spec: EventsCsvSpec,
    private readonly dayLoad: CsvDayLoadHooks,
  ) {
    this.id = target.loadId.replace(/[^a-z0-9]/gi, '');
    const rawTypes = Array.from({ length: spec.columnCount }, (_, i) => `c${i} VARCHAR`).join(', ');
    this.sql = { ok: eventRowOk(spec), columns: eventColumns(spec), raw: rawEventColumns(spec), rawTypes };
    const dedupe = spec.timeuuid !== null && !dayLoad.callerDropsRepeats;
    this.callerDedupes = spec.timeuuid !== null && dayLoad.callerDropsRepeats === true;
    const fp = spec.fingerprint ? { raw: ', fp', type: ', fp BIGINT' } : { raw: '', type: '' };
    this.hashes = dedupe ? new DayTimeuuidHashes(this.id, spec.timeuuid!.column, `${this.sql.raw}${fp.raw}`) : null;
    this.held = new HeldEvents(connection, this.id, `${rawTypes}${fp.type}`, this.params());
  }

  /**
   * Reads the file (its texts, and its timeuuids against the day's) and inserts it. With a side
   * connection the file is read there while the day's connection inserts the previous file,
   * and is inserted with the next one (or at the day's end).
   */
  async append(file: string, rows: number): Promise<void> {
    if (rows === 0) return;
    await this.dayLoad.ready;
    const order = this.order++;
    const side = await this.readConnection();
    if (side === this.connection) {
      const csv = readEventsCsv(file, this.spec);
      const analysis = await this.analyze(csv, side);
      await this.insertFile({ csv, rows, order, analysis, link: null });
      return;
    }
    const link = `${file}.wharf-waiting`;
    linkSync(file, link);
    const csv = readEventsCsv(link, this.spec);
    const previous = this.waiting;
    this.waiting = null;
    try {
      const [analysis] = await settled(
        this.analyze(csv, side),
        previous ? this.insertFile(previous) : Promise.resolve(),
      );
      this.waiting = { csv, rows, order, analysis, link };
    } catch (err) {
      rmSync(link, { force: true });
      throw err;
    }
  }

  /** The connection files are read on: the side connection, or without one the day's. */
  private async readConnection(): Promise<DuckDBConnection> {
    return this.dayLoad.sideConnection ? this.dayLoad.sideConnection() : this.connection;
  }

  /** A file's texts and the rows to hold, read on `connection`. */
  private async analyze(csv: string, connection: DuckDBConnection): Promise<FileAnalysis> {
    const side = connection !== this.connection;
    const texts = await this.fileTexts(csv, connection, side);
    const held = this.hashes ? await this.hashes.rowsToHold(csv, connection) : { lines: [], rows: null };
    return { texts, held };
  }

  /**
   * Inserts a read file's rows that pass its checks, less the rows to hold (which, when they pass,
   * go to `held`), then hands the rest to the row path's checks.
   */
  private async insertFile(file: ReadFile): Promise<void> {
    const { texts, held } = file.analysis;
    const checks = this.fileChecks(file.csv, texts);
    let inserted: number;
    let heldPassing = 0;
    if (held.lines.length === 0) inserted = await this.insert(checks);
    else {
      const table = await this.held.linesOf(held);
      const list = `(SELECT ln FROM ${table})`;
      const all = this.fileChecks(numbered(file.csv), texts, true);
      inserted = await this.insert({ ...all, ok: `${all.ok} AND ln NOT IN ${list}` });
      const some = held.rows ? this.fileChecks(table, texts, true) : { ...all, ok: `${all.ok} AND ln IN ${list}` };
      const hold = `INSERT INTO ${await this.held.table()} SELECT ${file.order}, ln, ${some.columns}
        FROM ${some.from} WHERE ${some.ok}`;
      heldPassing = Number((await this.checked(hold)).rowsChanged);
      this.held.count += heldPassing;
    }
    this.tally.rowsRead += file.rows;
    this.tally.rowsLoaded += inserted;
    if (this.spec.fingerprint) await this.tally.addFileFingerprint(this.connection, file.csv);
    if (inserted + heldPassing < file.rows) await this.checkLeftOver(checks, file, inserted);
    if (file.link) rmSync(file.link, { force: true });
  }

  private async insert(checks: FileChecks): Promise<number> {
    const sql = `${INSERT_EVENTS} ${checks.columns} FROM ${checks.from} WHERE ${checks.ok}`;
    return Number((await this.checked(sql, this.params())).rowsChanged);
  }

  /**
   * How a file's rows are checked: its JSON texts once each when few of them fail (named in the
   * statement), else row by row; its names with a space rewritten, when few. `numbered`: `csv`
   * has the rows' line numbers (`ln`), which the source keeps.
   */
  private fileChecks(csv: string, texts: FileTexts, numbered = false): FileChecks {
    const columns = eventColumns(this.spec, texts.spacedNames);
    const { user, metadata } = texts;
    if (user === null || metadata === null)
      return { from: eventsSource(csv, this.spec, numbered), ok: this.sql.ok, columns };
    const ok = eventRowOkKnown(this.spec, { user, metadata });
    return { from: knownTextsSource(csv, this.spec, numbered), ok, columns };
  }

  /** The file's distinct texts of each kind (see FileTexts); null for a kind with too many to name. */
  private async fileTexts(csv: string, connection: DuckDBConnection, side: boolean): Promise<FileTexts> {
    const limit = NAMED_TEXTS.count + 1;
    const sql = fileTexts(csv, this.spec, limit);
    if (sql === null) return { user: [], metadata: [], spacedNames: [] };
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

  /**
   * One row too long for the bulk reader, checked by the row path's checks. Accepted with a
   * timeuuid, it is held (it may repeat a stored one) and its hash joins the day's, so that a
   * later row with its timeuuid is held too.
   */
  async appendOversize(line: string): Promise<void> {
    // The file before it first: its rejects, and the rules they count, come first in the row path's order.
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) await this.insertFile(waiting);
    const { fields, term } = copyLineFields(line, this.spec.fingerprint);
    this.tally.addFingerprint(term);
    this.tally.rowsRead += 1;
    const order = this.order++;
    const table = await this.fixedTable();
    const appender = await this.connection.createAppender(table, 'main', 'temp');
    const fixed = await this.checkRows([[0n, ...fields]], appender);
    appender.closeSync();
    const timeuuid = this.spec.timeuuid ? fields[this.spec.timeuuid.column] : null;
    if (fixed && this.hashes && timeuuid) {
      await this.hashes.remember(timeuuid, await this.readConnection());
      await this.connection.run(`INSERT INTO ${await this.held.table()} SELECT ${order}, * FROM ${table}`);
      this.held.count += fixed;
    } else if (fixed) {
      await this.connection.run(`${INSERT_EVENTS} ${EVENT_COLUMNS} FROM ${table}`, this.params());
      this.tally.rowsLoaded += fixed;
    }
    await this.connection.run(`DROP TABLE ${table}`);
  }

  async finish(): Promise<ColumnarDayResult> {
    const last = this.waiting;
    this.waiting = null;
    if (last) await this.insertFile(last);
    const { stored, duplicates } = await this.held.store();
    await this.hashes?.drop();
    return {
      rowsRead: this.tally.rowsRead,
      rowsLoaded: this.tally.rowsLoaded + stored,
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
   * statements: the day's deletes and the held rows' lookup want the pushdown into the store's scans.
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
    return [this.target.ingestionId, this.target.date];
  }

  /**
   * The rows of a file the bulk insert left behind (not passing its checks, or held), in file
   * order: the row path's checks, one by one, for those not passing. Rejects are stored and
   * counted in file order; accepted rows are inserted, or held when they are among the rows to hold.
   */
  private async checkLeftOver({ from, ok }: FileChecks, file: ReadFile, inserted: number): Promise<void> {
    const rows = numbered(from);
    const unsure = `wharf_unsure_${this.id}`;
    const table = await this.fixedTable();
    const appender = await this.connection.createAppender(table, 'main', 'temp');
    let fixed = 0;
    const { raw } = this.sql;
    await this.checked(`CREATE TEMP TABLE ${unsure} AS
      SELECT ln, ${raw} FROM ${rows} WHERE NOT coalesce(${ok}, false)`);
    try {
      for (let last = 0n; ;) {
        const sql = `SELECT * FROM ${unsure} WHERE ln > ${last} ORDER BY ln LIMIT ${PAGE_ROWS}`;
        const page = (await this.connection.runAndReadAll(sql)).getRowsJS();
        if (page.length === 0) break;
        last = page[page.length - 1][0] as bigint;
        fixed += await this.checkRows(page as (bigint | string | null)[][], appender);
      }
      appender.closeSync();
      if (fixed === 0) return;
      if (this.callerDedupes) {
        await this.rewriteInOrder({ numbered: rows, ok, fixedTable: table }, inserted);
        this.tally.rowsLoaded += fixed;
        return;
      }
      if (file.analysis.held.lines.length === 0) {
        await this.connection.run(`${INSERT_EVENTS} ${EVENT_COLUMNS} FROM ${table}`, this.params());
        this.tally.rowsLoaded += fixed;
        return;
      }
      const list = `(SELECT ln FROM ${this.held.linesTable})`;
      const stored = await this.connection.run(
        `${INSERT_EVENTS} ${EVENT_COLUMNS} FROM ${table} WHERE ln NOT IN ${list}`,
        this.params(),
      );
      this.tally.rowsLoaded += Number(stored.rowsChanged);
      const held = await this.connection.run(
        `INSERT INTO ${await this.held.table()} SELECT ${file.order}, * FROM ${table} WHERE ln IN ${list}`,
      );
      this.held.count += Number(held.rowsChanged);
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${unsure}`);
      await this.connection.run(`DROP TABLE IF EXISTS ${table}`);
    }
  }

  /**
   * For a caller that drops the repeats itself in the order the rows were inserted: the file's
   * `bulk` rows just inserted are replaced by all of its accepted rows in file order (DuckDB
   * keeps a file's order however many threads read it, and numbers rows with
   * `row_number() OVER ()` in a streaming window, so numbering its rows twice gives the same numbers).
   */
  private async rewriteInOrder(
    { numbered, ok, fixedTable }: { numbered: string; ok: string; fixedTable: string },
    bulk: number,
  ): Promise<void> {
    const t = this.target;
    if (bulk > 0)
      await this.connection.run(
        `DELETE FROM ${DUCKDB_ROWS.events} WHERE rowid IN (SELECT rowid FROM ${DUCKDB_ROWS.events}
          WHERE ingestion_id = $1 AND day = CAST($2 AS DATE) ORDER BY rowid DESC LIMIT ${bulk})`,
        [t.ingestionId, t.date],
      );
    await this.checked(
      `${INSERT_EVENTS} ${EVENT_COLUMNS} FROM (
        SELECT ln, ${this.sql.columns} FROM ${numbered} WHERE ${ok}
        UNION ALL SELECT ln, ${EVENT_COLUMNS} FROM ${fixedTable}
      ) ORDER BY ln`,
      this.params(),
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
    await this.connection.run(`CREATE TEMP TABLE ${table} (ln BIGINT, ${STORED_EVENT_TYPES})`);
    return table;
  }
}

/** Both results, once both statements have settled (neither left running on a failure); the first failure. */
async function settled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
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
