/**
 * Ingestion benchmark, a matrix: days of one dataset (metrics by default, or realistic events,
 * bench/ingest-cases.ts) from each source kind (PostgreSQL, the same server read as Redshift,
 * a DuckDB file, S3 parquet on s3rver at 127.0.0.1, the Snowflake and BigQuery protocol fakes
 * on 127.0.0.1; when named in `--cases`, the Athena, Databricks and Synapse plugins' fakes)
 * into each store (DuckDB, PostgreSQL), each case against the limit of its own path
 * (bench/ingest-limits.ts, bench/ingest-warehouses.ts), timed in turn in the same run. Every
 * run prints the path its days took (`columnar` or `rows`), as the engine reports it: a case
 * whose days take the row path is measured on it, not left out.
 * Wharf loads in a child process, for its own peak RSS. Targets: every ratio ≤ 2.0 (metrics
 * from PostgreSQL into DuckDB ≤ 1.5), peak RSS ≤ 512 MB.
 *
 *   npm run bench:ingest -- [--cases postgres:duckdb,s3:postgres,…|all] [--rows N] [--days D]
 *                           [--runs R] [--concurrency C] [--batch B] [--fingerprint] [--row-path]
 *                           [--dataset metrics|metrics-decimal|events|events-ids|events-prices|events-nested|
 *                                      events-jsonb]
 *                           [--events-per-user N]
 *                           [--repeated-events S]
 *
 * Defaults: all twelve cases (the plugin sources only when named: `--cases athena:duckdb`),
 * 1,000,000 rows over 10 days, 3 runs (a few minutes); the issue's size is `--rows 10000000`.
 * Without `--concurrency`, Wharf loads as `ingest backfill` does without it: as many days at
 * once as the source's default `maxConcurrency` (2). Runs are interleaved (run 1 of every
 * case, then run 2, …) and each case's figure is the median of its runs' ratios: on a shared
 * machine either side can be 20% slower from one minute to the
 * next. Each Wharf run loads into a new store.
 *
 * `--fingerprint` loads as a mapping whose rechecks reload on a changed content fingerprint;
 * `--row-path` loads every case on the row path (to compare with the columnar path).
 * `--dataset events-ids` loads the same events with the user's ids in three columns of their
 * own, which the mapping builds the user from (`userID`, `customIDs`) instead of a JSON column;
 * `--dataset events-prices` the same events with a floating-point event_value (a price);
 * `--dataset metrics-decimal` the metrics with an exact decimal value (NUMERIC, DECIMAL);
 * `--dataset events-nested` the events with the metadata a MAP and the user a STRUCT in the
 * DuckDB file and the parquet files, RECORDs in BigQuery (the other sources hold the text of `events`);
 * `--dataset events-jsonb` the events with the user and metadata JSONB in PostgreSQL (JSON elsewhere).
 * `--events-per-user N` (events) gives each user N events within a window of N × 1,024 rows
 * and the metadata 300 shapes, as in real streams (bench/ingest-cases.ts); by default every
 * user of an export file is distinct, the worst case for the store's checks per distinct text.
 * `--repeated-events S` (events, 0 < S ≤ 0.5) makes a share S of the rows repeat the timeuuid
 * of the row just before them, spread evenly (0.5: every event sent twice, 0.01: one in a
 * hundred sent again), which the store's day-end dedupe drops; a load must then store every
 * row but the repeats within a day, counted from the generated rows (expectedDuplicates).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../framework/config/project.js';
import type { SourceConfig, StoreConfig } from '../framework/config/types.js';
import { addDays } from '../framework/util/time.js';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { S3_TEST_CREDENTIALS, startS3Server } from '../test/support/s3-server.js';
import { DATASETS, type DatasetName } from './ingest-cases.js';
import type { ChildCase } from './ingest-child.js';
import {
  BUCKET,
  benchQuery,
  createFileData,
  createPostgresData,
  expectedDuplicates,
  PREFIX,
  writeCopyFile,
  type BenchData,
} from './ingest-data.js';
import { sourceLimit, storeCopyInLimit, type SourceKind, type StoreKind } from './ingest-limits.js';
import { clusterCpu } from './ingest-pg-cpu.js';
import {
  clientLimit,
  PLUGIN_KINDS,
  startWarehouses,
  stopWarehouses,
  WAREHOUSE_ENV,
  warehouseSource,
  type WarehouseKind,
  type Warehouses,
} from './ingest-warehouses.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: 'all' },
    rows: { type: 'string', default: '1000000' },
    days: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string' },
    batch: { type: 'string', default: '10000' },
    fingerprint: { type: 'boolean', default: false },
    'row-path': { type: 'boolean', default: false },
    dataset: { type: 'string', default: 'metrics' },
    'events-per-user': { type: 'string' },
    'repeated-events': { type: 'string' },
  },
});
if (!Object.hasOwn(DATASETS, values.dataset!)) {
  console.error(`--dataset ${values.dataset}: must be one of ${Object.keys(DATASETS).join(', ')}`);
  process.exit(2);
}
const dataset = DATASETS[values.dataset as DatasetName];
const repeatedEvents = parseRepeatedEvents(values['repeated-events']);
/** The sources of `--cases all`; the plugin sources run when named. */
const SOURCES: (SourceKind | WarehouseKind)[] = ['postgres', 'redshift', 'duckdb', 's3', 'snowflake', 'bigquery'];
const WAREHOUSES: WarehouseKind[] = ['snowflake', 'bigquery', ...PLUGIN_KINDS];
const STORES: StoreKind[] = ['duckdb', 'postgres'];
const cases = parseCases(values.cases!);
const rows = Number(values.rows);
const days = Number(values.days);
const from = '2026-10-01';
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Case {
  source: SourceKind | WarehouseKind;
  store: StoreKind;
}
interface WharfRun {
  seconds: number;
  closeSeconds: number;
  rowsLoaded: number;
  rowsRejected: number;
  paths: string[];
  failed: string[];
  maxRssMb: number;
  /** CPU seconds of the load's process (user and system, all threads). */
  cpuSeconds: number;
}
interface RunFigures {
  limit: number;
  wharf: WharfRun;
  ratio: number;
  /** CPU seconds of this process (the fakes') during the limit and during Wharf's load, for the warehouse cases. */
  fakeCpu: { limit: number; wharf: number } | null;
  /** CPU seconds of the PostgreSQL cluster (source and store) during the limit and during Wharf's load. */
  pgCpu: { limit: number; wharf: number } | null;
}

function parseCases(text: string): Case[] {
  if (text === 'all') return SOURCES.flatMap((source) => STORES.map((store) => ({ source, store })));
  return text.split(',').map((pair) => {
    const [source, store] = pair.split(':') as [SourceKind | WarehouseKind, StoreKind];
    if (![...SOURCES, ...PLUGIN_KINDS].includes(source) || !STORES.includes(store)) {
      const kinds = `a source of ${[...SOURCES, ...PLUGIN_KINDS].join(', ')} and a store of ${STORES.join(', ')}`;
      console.error(`--cases: '${pair}' is not source:store with ${kinds}`);
      process.exit(2);
    }
    return { source, store };
  });
}

const cluster = await startPostgresCluster();
const pgCpuSeconds = clusterCpu(cluster.url);
const s3 = await startS3Server();
const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
let warehouses: Warehouses = { snowflake: null, bigquery: null };
/** Rows a complete load drops as repeated timeuuids (expectedDuplicates). */
let duplicates = 0;
try {
  const t = Date.now();
  const eventsPerUser = values['events-per-user'] === undefined ? undefined : Number(values['events-per-user']);
  const spec = { dataset, rows, days, from, eventsPerUser, repeatedEvents };
  await createPostgresData(cluster.url, spec);
  duplicates = await expectedDuplicates(cluster.url, spec);
  const files = await createFileData(dir, s3, spec);
  const data: BenchData = { ...files, copyFile: writeCopyFile(cluster.url, dir, dataset) };
  const fakes = WAREHOUSES.filter((kind) => cases.some((c) => c.source === kind));
  warehouses = await startWarehouses(fakes, spec);
  const took = ((Date.now() - t) / 1000).toFixed(1);
  const where = `in PostgreSQL, a DuckDB file, S3 parquet${fakes.map((k) => ` and the ${k} fake`).join('')}`;
  console.log(`created ${fmt(rows)} ${dataset.name} rows over ${days} days ${where} in ${took} s`);
  if (duplicates) console.log(`${fmt(duplicates)} rows repeat an earlier row's timeuuid within their day`);
  const figures = new Map<string, RunFigures[]>(cases.map((c) => [label(c), []]));
  for (let run = 1; run <= Number(values.runs); run++) {
    for (const c of cases) {
      const result = await runCase(c, run, data, s3.endpoint);
      figures.get(label(c))!.push(result);
      const { limit, wharf, ratio, fakeCpu, pgCpu } = result;
      const fake = fakeCpu ? `; fake CPU ${fakeCpu.limit.toFixed(1)} s / ${fakeCpu.wharf.toFixed(1)} s` : '';
      const pg = pgCpu ? `; PostgreSQL CPU ${pgCpu.limit.toFixed(1)} s / ${pgCpu.wharf.toFixed(1)} s` : '';
      console.log(
        `run ${run} ${label(c)}: limit ${limit.toFixed(2)} s, wharf ${wharf.seconds.toFixed(2)} s ` +
          `(${wharf.paths.join('+')}), CPU ${wharf.cpuSeconds.toFixed(1)} s, peak RSS ${wharf.maxRssMb.toFixed(0)} MB, ` +
          `ratio ${ratio.toFixed(2)}${fake}${pg}`,
      );
    }
  }
  report(figures);
} finally {
  await stopWarehouses(warehouses);
  rmSync(dir, { recursive: true, force: true });
  await s3.stop();
  await cluster.stop();
}

/** `--repeated-events`: a share of the events' rows, from 0 to 0.5 (see ingest-cases.ts, repeatOf). */
function parseRepeatedEvents(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const share = Number(text);
  if (dataset.kind !== 'events' || text.trim() === '' || !(share >= 0 && share <= 0.5)) {
    console.error(`--repeated-events ${text}: must be a share of the rows from 0 to 0.5, with --dataset events`);
    process.exit(2);
  }
  return share;
}

function label(c: Case): string {
  return `${c.source} → ${c.store} store`;
}

/** One run of one case: its limit, then Wharf's load into a new store. */
async function runCase(c: Case, run: number, data: BenchData, endpoint: string): Promise<RunFigures> {
  let storeUrl: string | null = null;
  if (c.store === 'postgres') {
    const name = `bench_store_${c.source}_${run}`;
    const commands = ['-c', `DROP DATABASE IF EXISTS ${name}`, '-c', `CREATE DATABASE ${name}`];
    execFileSync('psql', [cluster.url, '-q', ...commands], { stdio: 'inherit' });
    storeUrl = cluster.url.replace(/\/postgres$/, `/${name}`);
  }
  const cpu = cpuSeconds();
  const pgBefore = pgCpuSeconds?.() ?? 0;
  let limit = isWarehouse(c.source)
    ? await clientLimit(warehouseSource(c.source, warehouses), benchQuery(data.dataset))
    : await sourceLimit(c.source, data, cluster.url, dir);
  const limitCpu = cpuSeconds() - cpu;
  if (storeUrl) limit += storeCopyInLimit(storeUrl, data);
  const pgLimit = pgCpuSeconds?.() ?? 0;
  const storePath = join(dir, `store-${run}.duckdb`);
  const before = cpuSeconds();
  const wharf = await ingestOnce(c, data, { storePath, storeUrl, endpoint });
  const fakeCpu = isWarehouse(c.source) ? { limit: limitCpu, wharf: cpuSeconds() - before } : null;
  const usesPg = c.source === 'postgres' || c.source === 'redshift' || c.store === 'postgres';
  const pgCpu = pgCpuSeconds && usesPg ? { limit: pgLimit - pgBefore, wharf: pgCpuSeconds() - pgLimit } : null;
  if (c.store === 'duckdb') {
    rmSync(storePath, { force: true });
    rmSync(`${storePath}.wal`, { force: true });
  }
  return { limit, wharf, ratio: wharf.seconds / limit, fakeCpu, pgCpu };
}

/** CPU seconds this process used so far (user and system). */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function isWarehouse(kind: SourceKind | WarehouseKind): kind is WarehouseKind {
  return WAREHOUSES.includes(kind as WarehouseKind);
}

function sourceConfig(
  kind: SourceKind | WarehouseKind,
  data: BenchData,
  endpoint: string,
): { source: SourceConfig; sql: string } {
  const sql = benchQuery(data.dataset);
  if (isWarehouse(kind)) {
    // BigQuery and Databricks quote names with backticks: their "user" is a string, not the column.
    const dialectSql = kind === 'bigquery' || kind === 'databricks' ? sql.replace(/"(\w+)"/g, '`$1`') : sql;
    return { source: warehouseSource(kind, warehouses), sql: dialectSql };
  }
  if (kind === 'postgres' || kind === 'redshift') {
    return { source: { kind, name: 'bench', url: { env: 'WHARF_BENCH_PG_URL' } }, sql };
  }
  if (kind === 'duckdb') return { source: { kind: 'duckdb', name: 'bench', path: data.duckdbPath }, sql };
  const source: SourceConfig = {
    kind: 's3',
    name: 'bench',
    region: 'us-east-1',
    bucket: BUCKET,
    prefix: PREFIX,
    endpoint,
    forcePathStyle: true,
    accessKeyId: { env: 'WHARF_BENCH_S3_KEY' },
    secretAccessKey: { env: 'WHARF_BENCH_S3_SECRET' },
  };
  return { source, sql: `SELECT ${data.dataset.columns} FROM source` };
}

interface Where {
  storePath: string;
  storeUrl: string | null;
  endpoint: string;
}

/**
 * One load of every day into a new store, in a child process (for its own peak RSS), run
 * asynchronously: the Snowflake and BigQuery fakes answer from this process's event loop.
 */
async function ingestOnce(c: Case, data: BenchData, where: Where): Promise<WharfRun> {
  const store: StoreConfig =
    c.store === 'duckdb'
      ? { kind: 'duckdb', path: where.storePath }
      : { kind: 'postgres', url: { env: 'WHARF_BENCH_STORE_URL' } };
  const spec: ChildCase = {
    ...sourceConfig(c.source, data, where.endpoint),
    store,
    dataset: data.dataset.kind,
    columns: data.dataset.mappingColumns,
    from,
    to: addDays(from, days - 1),
    concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency),
    batchSize: Number(values.batch),
    fingerprint: values.fingerprint!,
    rowPath: values['row-path']!,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingest-child.ts')], {
    env: {
      ...process.env,
      ...WAREHOUSE_ENV,
      WHARF_BENCH_CASE: JSON.stringify(spec),
      WHARF_BENCH_PG_URL: cluster.url,
      WHARF_BENCH_STORE_URL: where.storeUrl ?? '',
      WHARF_BENCH_S3_KEY: S3_TEST_CREDENTIALS.accessKeyId,
      WHARF_BENCH_S3_SECRET: S3_TEST_CREDENTIALS.secretAccessKey,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (status !== 0) throw new Error(`the ingest process failed (exit ${status}) for ${label(c)}`);
  const wharf = JSON.parse(stdout.trim().split('\n').at(-1)!) as WharfRun;
  if (wharf.failed.length || wharf.rowsLoaded !== rows - duplicates) {
    const expected = `${fmt(rows - duplicates)} rows (${fmt(rows)} less ${fmt(duplicates)} repeats)`;
    throw new Error(`ingest did not load ${expected} for ${label(c)}: ${JSON.stringify(wharf)}`);
  }
  return wharf;
}

/** Per case: the median run (by ratio), the range of the ratios and the highest peak RSS. */
function report(figures: Map<string, RunFigures[]>): void {
  const fingerprints = values.fingerprint ? ', with fingerprints' : '';
  const users = values['events-per-user'] ? `, ${values['events-per-user']} events per user` : '';
  const repeats = repeatedEvents ? `, ${repeatedEvents} of the events repeated (${fmt(duplicates)} dropped)` : '';
  const concurrency = values.concurrency ?? `${DEFAULTS.sourceMaxConcurrency} (the sources' default)`;
  const options = `concurrency ${concurrency}, batch ${values.batch}${fingerprints}${users}${repeats}`;
  const sampling = `median of ${values.runs} interleaved runs`;
  console.log(`\n${fmt(rows)} ${dataset.name} rows over ${days} days, ${options}; ${sampling}`);
  console.log(
    '| Case | Path | Limit | Wharf | Wharf rows/s | Peak RSS (highest) | Ratio (median) | Ratios of the runs ' +
      '| Target |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, runs] of figures) {
    const median = runs.toSorted((a, b) => a.ratio - b.ratio)[Math.floor(runs.length / 2)];
    const rss = Math.max(...runs.map((r) => r.wharf.maxRssMb));
    const target = name === 'postgres → duckdb store' ? 1.5 : 2.0;
    const met = median.ratio <= target && rss <= 512 ? 'met' : 'NOT met';
    const paths = [...new Set(runs.flatMap((r) => r.wharf.paths))].join('+');
    const { limit, wharf } = median;
    const times = `${limit.toFixed(2)} s | ${wharf.seconds.toFixed(2)} s | ${fmt(rows / wharf.seconds)}`;
    const ratios = `${median.ratio.toFixed(2)} | ${runs.map((r) => r.ratio.toFixed(2)).join(', ')}`;
    const targets = `≤ ${target}, ≤ 512 MB: ${met}`;
    console.log(`| ${name} | ${paths} | ${times} | ${rss.toFixed(0)} MB | ${ratios} | ${targets} |`);
  }
}
