/**
 * The measured side of bench/ingest.ts, in its own process so its peak RSS is Wharf's
 * alone: loads the bench days from one source into one store and prints one JSON line with
 * the time, the rows and the process's peak RSS. The case comes in WHARF_BENCH_CASE (JSON:
 * source config, store config, dataset and mapped columns, SQL, days, concurrency, batch
 * size, fingerprints, row path).
 */
import type { WharfPlugin } from '../framework/config/plugins.js';
import { resolveSettings, type LoadedProject } from '../framework/config/project.js';
import type { BigQuerySource, MappingConfig, SourceConfig, StoreConfig } from '../framework/config/types.js';
import { openBigQuery } from '../framework/connectors/bigquery/open.js';
import { fixedTokenClient } from '../framework/connectors/bigquery/testing/fixed-token.js';
import { backfill } from '../framework/engine/backfill.js';
import { ConnectorPool, type ConnectorOpener } from '../framework/engine/connector-pool.js';
import { resolveSecret } from '../framework/util/secrets.js';
import { openStore } from '../framework/store/open-store.js';
import { ownPeakRssMb } from './peak-rss.js';

export interface ChildCase {
  source: SourceConfig;
  store: StoreConfig;
  dataset: MappingConfig['dataset'];
  columns: MappingConfig['columns'];
  sql: string;
  from: string;
  to: string;
  /** Days loaded at once; absent, the source's default maxConcurrency, as `ingest backfill` without --concurrency. */
  concurrency?: number;
  batchSize: number;
  fingerprint: boolean;
  /** Load on the row path even where the columnar path applies (for comparison). */
  rowPath?: boolean;
}

const spec = JSON.parse(process.env.WHARF_BENCH_CASE ?? '{}') as ChildCase;
const config = {
  name: 'bench',
  dataset: spec.dataset,
  source: 'bench',
  sql: './bench.sql',
  schedule: 'daily',
  startDate: spec.from,
  columns: spec.columns,
} as MappingConfig;
const source = (
  spec.concurrency === undefined ? spec.source : { ...spec.source, maxConcurrency: spec.concurrency }
) as SourceConfig;
const project: LoadedProject = {
  root: process.cwd(),
  configFile: 'wharf.config.ts',
  raw: { name: 'bench' },
  settings: resolveSettings({ name: 'bench' }),
  sources: new Map([['bench', { config: source, file: 'sources/bench.ts' }]]),
  mappings: new Map([
    [
      'bench',
      {
        config,
        file: 'mappings/bench.ts',
        sqlFile: 'mappings/bench.sql',
        sqlText: spec.sql,
        recheck: { days: 3, threshold: 0.05, reloadOnFingerprintChange: spec.fingerprint },
        validation: { maxRejectRate: 0.05 },
      },
    ],
  ]),
  schedules: new Map(),
  experiments: new Map(),
};

const store = await openStore(spec.store, process.cwd());
const context = { projectRoot: process.cwd(), resolveSecret };
/** The plugin sources' connectors, as a project naming the plugin opens them. */
const PLUGINS: Record<string, () => Promise<WharfPlugin>> = {
  athena: async () => (await import('../plugins/athena/index.js')).default,
  databricks: async () => (await import('../plugins/databricks/index.js')).default,
  synapse: async () => (await import('../plugins/synapse/index.js')).default,
};
const plugin = PLUGINS[source.kind];
// The BigQuery fake accepts a fixed bearer token, which only an auth client can give.
const opener: ConnectorOpener | undefined = plugin
  ? async () => (await plugin()).connectors![0].create(source as never, context)
  : source.kind === 'bigquery'
    ? () =>
        openBigQuery(source as BigQuerySource, context, {
          authClient: fixedTokenClient(process.env.WHARF_BENCH_BQ_TOKEN!),
        })
    : undefined;
const connectors = new ConnectorPool(project, opener);
const started = process.hrtime.bigint();
const ctx = { project, store, connectors, trigger: 'backfill' as const, batchSize: spec.batchSize };
const result = await backfill({ ...ctx, columnar: !spec.rowPath }, 'bench', {
  from: spec.from,
  to: spec.to,
  concurrency: spec.concurrency,
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await connectors.closeAll();
// Closing checkpoints a DuckDB store: reported apart, since every day was already durable at its commit.
const closing = process.hrtime.bigint();
await store.close();
const closeSeconds = Number(process.hrtime.bigint() - closing) / 1e9;
const failed = result.days.filter((d) => d.status !== 'succeeded');
console.log(
  JSON.stringify({
    seconds,
    closeSeconds,
    rowsLoaded: result.days.reduce((n, d) => n + d.rowsLoaded, 0),
    rowsRejected: result.days.reduce((n, d) => n + d.rowsRejected, 0),
    paths: [...new Set(result.days.map((d) => d.path))],
    failed: failed.map((d) => `${d.day}: ${d.errorMessage}`),
    maxRssMb: ownPeakRssMb(),
    cpuSeconds: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
  }),
);
