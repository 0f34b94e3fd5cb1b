/**
 * The measured side of bench/ingest.ts, in its own process so its peak RSS is Wharf's
 * alone: loads the bench table's days from PostgreSQL into a DuckDB store and prints one
 * JSON line with the time, the rows and the process's peak RSS (dataset: bench/ingest-cases.ts).
 */
import { resolveSettings, type LoadedProject } from '../framework/config/project.js';
import { backfill } from '../framework/engine/backfill.js';
import { ConnectorPool } from '../framework/engine/connector-pool.js';
import { openStore } from '../framework/store/open-store.js';
import { benchCase } from './ingest-cases.js';

const [storePath, from, to, concurrency, batchSize, dataset = 'metrics'] = process.argv.slice(2);
const bench = benchCase(dataset);
const config = bench.mapping(from);
const project: LoadedProject = {
  root: process.cwd(), configFile: 'wharf.config.ts', raw: { name: 'bench' }, settings: resolveSettings({ name: 'bench' }),
  sources: new Map([['bench', { config: { kind: 'postgres', name: 'bench', url: { env: 'WHARF_BENCH_PG_URL' }, maxConcurrency: Number(concurrency) }, file: 'sources/bench.ts' }]]),
  mappings: new Map([['bench', {
    config, file: 'mappings/bench.ts', sqlFile: 'mappings/bench.sql', sqlText: bench.query,
    recheck: { days: 3, threshold: 0.05, reloadOnFingerprintChange: process.env.WHARF_BENCH_FINGERPRINT === '1' }, validation: { maxRejectRate: 0.05 },
  }]]),
  schedules: new Map(),
  experiments: new Map(),
};

const store = await openStore({ kind: 'duckdb', path: storePath }, process.cwd());
const connectors = new ConnectorPool(project);
const started = process.hrtime.bigint();
const result = await backfill(
  { project, store, connectors, trigger: 'backfill', batchSize: Number(batchSize), columnar: process.env.WHARF_BENCH_ROW_PATH !== '1' },
  'bench',
  { from, to, concurrency: Number(concurrency) },
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await connectors.closeAll();
// Closing checkpoints the store: reported apart, since every day was already durable at its commit.
const closing = process.hrtime.bigint();
await store.close();
const closeSeconds = Number(process.hrtime.bigint() - closing) / 1e9;
const failed = result.days.filter((d) => d.status !== 'succeeded');
console.log(JSON.stringify({
  seconds,
  closeSeconds,
  rowsLoaded: result.days.reduce((n, d) => n + d.rowsLoaded, 0),
  rowsRejected: result.days.reduce((n, d) => n + d.rowsRejected, 0),
  failed: failed.map((d) => `${d.day}: ${d.errorMessage}`),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
}));
