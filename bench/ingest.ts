/**
 * Ingestion benchmark: N rows (default 10 million) of a dataset in a throwaway PostgreSQL
 * cluster, loaded by Wharf into a DuckDB store (in a child process, for its peak RSS), and
 * exported in the same run with `psql \copy (query) to /dev/null`. Prints rows/s, peak RSS
 * and the ratio of Wharf's time to \copy's. Targets: ratio ≤ 2.0 (metrics), ≤ 1.5 (events),
 * peak RSS ≤ 512 MB.
 *
 *   npm run bench:ingest -- [--dataset metrics|events] [--rows N] [--days D] [--runs R] [--concurrency C] [--batch B] [--fingerprint] [--row-path]
 *
 * `--row-path` loads every day on the row path (one value per row), for comparison.
 *
 * `--dataset events` (see bench/ingest-cases.ts): realistic events, about 200 bytes a row —
 * a TIMESTAMPTZ in time order, a name, a value, a metadata object and a user JSON with a
 * userID and two customIDs as text, and a timeuuid.
 *
 * The two are timed in turn, `--runs` times (default 3), each Wharf run into a new store:
 * on a shared machine either can be 20% slower from one minute to the next, so each run's
 * ratio is printed and the median of them is the figure.
 *
 * `--fingerprint` loads as a mapping whose rechecks reload on a changed content fingerprint
 * does: the export then also hashes every row in the warehouse.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { addDays } from '../framework/util/time.js';
import { benchCase } from './ingest-cases.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'metrics' },
    rows: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1' },
    batch: { type: 'string', default: '10000' },
    fingerprint: { type: 'boolean', default: false },
    'row-path': { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const days = Number(values.days);
const from = '2026-10-01';
const to = addDays(from, days - 1);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const bench = benchCase(values.dataset!);

const cluster = await startPostgresCluster();
const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
try {
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  let t = Date.now();
  for (const sql of bench.create(rows, days, from)) await client.query(sql);
  await client.end();
  console.log(`created ${fmt(rows)} rows over ${days} days in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const query = bench.query;
  const results: { copySeconds: number; wharf: WharfRun; ratio: number }[] = [];
  for (let run = 1; run <= Number(values.runs); run++) {
    t = Date.now();
    execFileSync('psql', [cluster.url, '-q', '-c', `\\copy (${query}) to /dev/null`], { stdio: 'inherit' });
    const copySeconds = (Date.now() - t) / 1000;
    const wharf = ingestOnce(cluster.url, join(dir, `store-${run}.duckdb`));
    const ratio = wharf.seconds / copySeconds;
    results.push({ copySeconds, wharf, ratio });
    console.log(`run ${run}: psql \\copy ${copySeconds.toFixed(2)} s, wharf ${wharf.seconds.toFixed(2)} s (store close ${wharf.closeSeconds.toFixed(2)} s), peak RSS ${wharf.maxRssMb.toFixed(0)} MB, ratio ${ratio.toFixed(2)}`);
  }

  const median = results.toSorted((a, b) => a.ratio - b.ratio)[Math.floor(results.length / 2)];
  const { copySeconds, wharf, ratio } = median;
  const maxRss = Math.max(...results.map((r) => r.wharf.maxRssMb));
  console.log(`median run (of ${results.length}):`);
  console.log(`psql \\copy to /dev/null: ${copySeconds.toFixed(2)} s (${fmt(rows / copySeconds)} rows/s)`);
  console.log(`wharf PostgreSQL → DuckDB store (${bench.dataset}): ${wharf.seconds.toFixed(2)} s (${fmt(rows / wharf.seconds)} rows/s), ${days} days, concurrency ${values.concurrency}, batch ${values.batch}${values.fingerprint ? ', with fingerprints' : ''}${values['row-path'] ? ', row path' : ''}`);
  console.log(`then closing the store (its checkpoint): ${wharf.closeSeconds.toFixed(2)} s`);
  console.log(`peak RSS of the ingest process: ${maxRss.toFixed(0)} MB at most over the runs (target ≤ 512 MB)`);
  console.log(`ratio wharf / \\copy: ${ratio.toFixed(2)} (target ≤ ${bench.target.toFixed(1)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await cluster.stop();
}

interface WharfRun { seconds: number; closeSeconds: number; rowsLoaded: number; rowsRejected: number; failed: string[]; maxRssMb: number }

/** One load of every day into a new store, in a child process (for its own peak RSS). */
function ingestOnce(url: string, storePath: string): WharfRun {
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'ingest-child.ts'), storePath, from, to, values.concurrency!, values.batch!, bench.dataset], {
    env: { ...process.env, WHARF_BENCH_PG_URL: url, WHARF_BENCH_FINGERPRINT: values.fingerprint ? '1' : '', WHARF_BENCH_ROW_PATH: values['row-path'] ? '1' : '' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`the ingest process failed (exit ${child.status})`);
  const wharf = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as WharfRun;
  if (wharf.failed.length || wharf.rowsLoaded !== rows) throw new Error(`ingest did not load every row: ${JSON.stringify(wharf)}`);
  rmSync(storePath, { force: true });
  rmSync(`${storePath}.wal`, { force: true });
  return wharf;
}
