/**
 * Experiment pipeline scale benchmark: exposures and metrics generated directly in a DuckDB
 * store (no ingestion), then the pipeline's full refresh, timed, with the child process's
 * peak RSS and each step's time (from the job history; a failed refresh reports its time to
 * failure and the steps it got through). One child per size and run, so each size's memory
 * is its own.
 *
 *   npm run bench:experiment-scale -- [--sizes 1000000x30x10,250000x30x10,1000000x10x10] \
 *     [--runs R] [--memory-limit 96MB]
 *
 * A size is UNITSxDAYSxMETRICS: every unit is exposed once (a day spread over the first
 * half of the period, half control, half test) and has one row per day and metric, so the
 * metrics table holds UNITS x DAYS x METRICS rows. The sizes are run interleaved, `--runs`
 * times (default 1): on a shared machine a size can be slower from one minute to the next,
 * so every run's figures are printed and the median per size is the figure.
 *
 * The store and the run get the memory limit the agent's store has (WHARF_DUCKDB_MEMORY_LIMIT,
 * default 96MB; DuckDB spills to the store's folder beyond it) unless --memory-limit says
 * otherwise: the run's limit is passed as WHARF_EXPERIMENT_MEMORY_LIMIT, since a run raises the
 * store's limit for its duration. `--memory-limit none` leaves the run's default, half the
 * machine's memory (framework/experiments/store-memory.ts), which is what `ingest experiment
 * run` and the agent now get.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000x30x10,250000x30x10,1000000x10x10' },
    runs: { type: 'string', default: '1' },
    'memory-limit': { type: 'string' },
    child: { type: 'string' },
  },
});

interface Size {
  units: number;
  days: number;
  metrics: number;
}

function parseSize(text: string): Size {
  const m = /^(\d+)x(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`--sizes: '${text}' is not UNITSxDAYSxMETRICS (e.g. 1000000x30x10)`);
  return { units: Number(m[1]), days: Number(m[2]), metrics: Number(m[3]) };
}

interface ChildResult {
  generateSeconds: number;
  refreshSeconds: number;
  maxRssMb: number;
  storeMb: number;
  metricRows: number;
  exposures: number;
  /** The refresh's error, when it failed. */
  failed: string | null;
  steps: { step: string; seconds: number; status: string }[];
}

const START = '2026-01-01';

async function child(size: Size): Promise<void> {
  const { DuckDBStoreConnection } = await import('../framework/store/duckdb/executor.js');
  const { migrateStore } = await import('../framework/store/migrate.js');
  const { runExperiment } = await import('../framework/experiments/pipeline.js');
  const { lastJobRun } = await import('../framework/experiments/job-history.js');
  const { DUCKDB_STORE_MEMORY_LIMIT } = await import('../framework/store/open-store.js');
  const dir = mkdtempSync(join(tmpdir(), 'wharf-exp-scale-'));
  const path = join(dir, 'store.duckdb');
  const store = await DuckDBStoreConnection.open(path);
  try {
    await migrateStore(store, 'duckdb');
    const limit = process.env.BENCH_MEMORY_LIMIT ?? DUCKDB_STORE_MEMORY_LIMIT;
    if (limit !== 'none') {
      await store.exec(`SET memory_limit = '${limit}'`);
      process.env.WHARF_EXPERIMENT_MEMORY_LIMIT = limit;
    }
    const t0 = performance.now();
    // The rows go into the tables under the store's `events` and `metrics` views, with the
    // numbers the store's loads would give the ingestions 'app' and 'm'.
    await store.exec(`INSERT INTO ingestion_ids VALUES (1, 'app'), (2, 'm')`);
    // Exposure day: within the first half of the period; group: by unit parity.
    await store.exec(`INSERT INTO event_rows (ingestion_id, day, "timestamp", event_name, event_value, event_metadata, "user", user_id, custom_ids, timeuuid)
      SELECT 1, DATE '${START}' + CAST(hash(i) % ${Math.max(1, Math.floor(size.days / 2))} AS INTEGER),
             CAST(DATE '${START}' + CAST(hash(i) % ${Math.max(1, Math.floor(size.days / 2))} AS INTEGER) AS TIMESTAMP) + INTERVAL 1 HOUR,
             'exposure', CASE WHEN i % 2 = 0 THEN 'control' ELSE 'test' END, '{"experiment":"scale"}',
             '{"userID":"u' || i || '"}', 'u' || i, NULL, 'x' || i
      FROM range(${size.units}) t(i)`);
    // One row per unit, day and metric; test units' values about 5% higher.
    await store.exec(`INSERT INTO metric_rows (ingestion_id, "date", unit_id, id_type, metric_name, metric_value, numerator, denominator)
      SELECT 2, DATE '${START}' + CAST(d AS INTEGER), 'u' || i, 'user_id', 'metric_' || k,
             (hash(i * 31 + d * 7 + k) % 1000) / 100.0 * (CASE WHEN i % 2 = 0 THEN 1.0 ELSE 1.05 END), NULL, NULL
      FROM range(${size.units}) u(i), range(${size.days}) dd(d), range(${size.metrics}) kk(k)`);
    await store.exec('CHECKPOINT');
    const generateSeconds = (performance.now() - t0) / 1000;
    const config = {
      name: 'scale',
      exposure: {
        kind: 'events' as const,
        ingestion: 'app',
        eventName: 'exposure',
        groupFrom: 'event_value' as const,
        metadata: { experiment: 'scale' },
      },
      idType: 'user_id',
      groups: [
        { name: 'control', split: 0.5, control: true },
        { name: 'test', split: 0.5 },
      ],
      startDate: START,
      metrics: Array.from({ length: size.metrics }, (_, k) => ({
        name: `metric_${k}`,
        source: 'metrics' as const,
        ingestion: 'm',
        aggregation: 'sum' as const,
      })),
      cuped: { preExposureDays: 7 },
    };
    const t1 = performance.now();
    // A failed refresh (e.g. out of memory under the store's limit) is a result too: its time
    // to failure and the steps it got through, from the job history, are reported.
    const failed = await runExperiment(store, { config }, { type: 'full' }).then(
      () => null,
      (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err)),
    );
    const refreshSeconds = (performance.now() - t1) / 1000;
    const last = await lastJobRun(store, 'scale');
    const [exposed] = failed
      ? [{ n: 0 }]
      : await store.query<{ n: number | bigint }>('SELECT COUNT(*) AS n FROM scale_first_exposures');
    const result: ChildResult = {
      generateSeconds,
      refreshSeconds,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      storeMb: statSync(path).size / 1024 / 1024,
      metricRows: size.units * size.days * size.metrics,
      exposures: Number(exposed.n),
      failed,
      steps: (last?.steps ?? []).map((st) => ({ step: st.step, seconds: st.durationMs / 1000, status: st.status })),
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(sizeText: string): ChildResult {
  const env = { ...process.env, ...(values['memory-limit'] ? { BENCH_MEMORY_LIMIT: values['memory-limit'] } : {}) };
  const res = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', sizeText], {
    env,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (res.status !== 0) throw new Error(`size ${sizeText} failed (exit ${res.status}):\n${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop() as string) as ChildResult;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  if (values.child) return child(parseSize(values.child));
  const sizes = (values.sizes as string).split(',').map((s) => s.trim());
  sizes.forEach(parseSize);
  const runs = Number(values.runs);
  const results = new Map<string, ChildResult[]>(sizes.map((s) => [s, []]));
  const limit = values['memory-limit'] ?? process.env.WHARF_DUCKDB_MEMORY_LIMIT ?? '96MB';
  console.log(`DuckDB memory limit: ${limit === 'none' ? "the run's default (half the machine's memory)" : limit}`);
  for (let run = 1; run <= runs; run++) {
    for (const size of sizes) {
      const r = runChild(size);
      results.get(size)?.push(r);
      const outcome = r.failed
        ? `full refresh FAILED after ${r.refreshSeconds.toFixed(1)} s (${r.failed})`
        : `full refresh ${r.refreshSeconds.toFixed(1)} s`;
      console.log(
        `run ${run} ${size}: ${r.metricRows.toLocaleString('en')} metric rows, ${r.exposures.toLocaleString('en')} exposed units; generate ${r.generateSeconds.toFixed(1)} s, ${outcome}, peak RSS ${r.maxRssMb.toFixed(0)} MB, store ${r.storeMb.toFixed(0)} MB`,
      );
      for (const st of r.steps)
        console.log(`    ${st.step.padEnd(48)} ${st.seconds.toFixed(1).padStart(8)} s ${st.status}`);
    }
  }
  console.log('\nmedian per size (units x days x metrics): full refresh time, peak RSS');
  for (const [size, rs] of results) {
    console.log(
      `${size}: ${median(rs.map((r) => r.refreshSeconds)).toFixed(1)} s, ${median(rs.map((r) => r.maxRssMb)).toFixed(0)} MB (${rs.length} run(s): ${rs.map((r) => `${r.refreshSeconds.toFixed(1)} s/${r.maxRssMb.toFixed(0)} MB`).join(', ')})`,
    );
  }
}

await main();
