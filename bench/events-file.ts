/**
 * The DuckDB store's columnar events load of one export file, alone: the CPU time (all
 * threads of this process) and wall time of checking and inserting one file of the bench's
 * realistic events (bench/ingest-cases.ts) into a new store file, then of the day's end (the
 * timeuuid dedupe) and commit. This is the store's share of `npm run bench:ingest -- --dataset events`,
 * measured without the export, so that a change to the checks can be compared on a shared
 * machine, where CPU time varies far less than wall time.
 *
 *   npx tsx bench/events-file.ts [--rows 122880] [--files 1] [--runs 5] [--threads 1]
 *                                [--events-per-user N] [--explain]
 *
 * `--files F` loads F files into the same day (the day's end then dedupes F files' rows);
 * `--explain` prints EXPLAIN ANALYZE of one file's statements (its distinct texts, its rows) instead.
 * `--threads` sets the store's threads; the load itself runs each statement on one (see the
 * DuckDB day load's eventsCsv), with a file's distinct texts read on a second connection while
 * its rows are inserted, so the CPU per file counts both connections. `--explain` uses them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../framework/store/open-store.js';
import { openDuckDB } from '../framework/util/duckdb.js';
import type { EventsCsvSpec } from '../framework/store/types.js';
import {
  eventColumns,
  eventRowOkKnown,
  fileTexts,
  knownTextsSource,
  readEventsCsv,
} from '../framework/store/duckdb/event-csv-sql.js';
import { DATASETS } from './ingest-cases.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '122880' },
    files: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1' },
    'events-per-user': { type: 'string' },
    explain: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const fileCount = Number(values.files);
const DAY = '2026-10-01';
const dir = mkdtempSync(join(tmpdir(), 'wharf-events-file-'));

/** The bench's events (as `\copy` writes them: COPY text, UTC), `rows` per file, all on DAY. */
async function writeFiles(): Promise<string[]> {
  const db = await openDuckDB(':memory:');
  const files: string[] = [];
  try {
    await db.connection.run(`SET TimeZone = 'UTC'`);
    const eventsPerUser = values['events-per-user'] === undefined ? undefined : Number(values['events-per-user']);
    // The day's rows as the 2-day bench of 3,000,000 rows spreads them (one row every 57.6 ms).
    const select = DATASETS.events.generated({ rows: 3_000_000, days: 2, from: DAY, eventsPerUser });
    for (let f = 0; f < fileCount; f++) {
      const range = `range(${f * rows + 1}, ${(f + 1) * rows + 1}) AS r(i)`;
      const lines = `SELECT concat_ws(chr(9), CAST(ts AS VARCHAR), event_name, coalesce(event_value, '\\N'), metadata,
        "user", timeuuid) AS line FROM (SELECT ${select} FROM ${range}) ORDER BY ts`;
      const text = (await db.connection.runAndReadAll(lines)).getRows().map((r) => r[0] as string);
      const file = join(dir, `part-${f}.copy`);
      writeFileSync(file, text.join('\n') + '\n');
      files.push(file);
    }
  } finally {
    db.close();
  }
  return files;
}

function spec(): EventsCsvSpec {
  return {
    columnCount: 6,
    fingerprint: false,
    timestamp: { column: 0, text: 'timestamp' },
    eventName: { column: 1 },
    eventValue: { column: 2 },
    metadata: { column: 3, json: false },
    user: { column: 4, json: false },
    timeuuid: { column: 5 },
    from: new Date(`${DAY}T08:00:00Z`),
    to: new Date(Date.parse(`${DAY}T08:00:00Z`) + 86_400_000),
    checkRow: () => {
      throw new Error('the bench rows should all pass the bulk checks');
    },
    rowJson: () => '{}',
  };
}

const cpu = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};

async function run(files: string[], n: number): Promise<void> {
  const path = join(dir, `store-${n}.duckdb`);
  const store = await openStore({ kind: 'duckdb', path }, '/');
  try {
    await store.exec(`SET threads = ${Number(values.threads)}`);
    const load = await store.beginDayLoad({ ingestion: 'bench', dataset: 'events', date: DAY });
    const csv = load.eventsCsv!(spec());
    let [t, c] = [Date.now(), process.cpuUsage()];
    for (const file of files) await csv.append(file, rows);
    const append = { wall: (Date.now() - t) / 1000, cpu: cpu(c) };
    [t, c] = [Date.now(), process.cpuUsage()];
    const result = await csv.finish();
    const now = new Date();
    await load.commit({
      ...{ ingestion: 'bench', date: DAY, status: 'succeeded', errorClass: null, errorMessage: null, errorHint: null },
      ...{ rowsLoaded: result.rowsLoaded, rowsRejected: 0, rejectReasons: {}, duplicates: result.duplicates },
      ...{ sourceRowCount: result.rowsRead, sourceFingerprint: null, configHash: 'bench', commitSha: null },
      ...{ trigger: 'manual', startedAt: now, finishedAt: now, firstLoadedAt: now, loadId: load.loadId },
    });
    const finish = { wall: (Date.now() - t) / 1000, cpu: cpu(c) };
    const each = (x: { wall: number; cpu: number }) => `${x.cpu.toFixed(3)} CPU-s (${x.wall.toFixed(3)} s wall)`;
    console.log(
      `run ${n}: ${files.length} × ${rows} rows, ${result.rowsLoaded} loaded, ${result.duplicates} duplicates; ` +
        `files ${each(append)}, per file ${((append.cpu / files.length) * 1000).toFixed(0)} CPU-ms; ` +
        `day's end and commit ${each(finish)}`,
    );
  } finally {
    await store.close();
    rmSync(path, { force: true });
  }
}

/** EXPLAIN ANALYZE of a file's two statements: its distinct texts, then its rows (no text failing, as here). */
async function explain(file: string): Promise<void> {
  const db = await openDuckDB(':memory:');
  try {
    await db.connection.run(`SET threads = ${Number(values.threads)}`);
    await db.connection.run(`SET disabled_optimizers = 'filter_pushdown'`);
    const s = spec();
    const csv = readEventsCsv(file, s);
    const rows = `SELECT ${eventColumns(s, [])} FROM ${knownTextsSource(csv, s)} WHERE ${eventRowOkKnown(s, { user: [], metadata: [] })}`;
    for (const sql of [fileTexts(csv, s, 65), rows]) {
      const plan = (await db.connection.runAndReadAll(`EXPLAIN ANALYZE ${sql}`)).getRows();
      console.log(plan.map((r) => r[1]).join('\n'));
    }
  } finally {
    db.close();
  }
}

try {
  const files = await writeFiles();
  if (values.explain) await explain(files[0]);
  else for (let n = 1; n <= Number(values.runs); n++) await run(files, n);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
