/**
 * `/metrics` in the Prometheus text exposition format, from the totals the store sums over
 * its ledger and attempt history (store/load-totals.ts; so the figures survive restarts)
 * plus the live queue depth. Pure: a snapshot in, text out.
 */
import { emptyTotals, type LoadTotals } from '../store/load-totals.js';

export interface MetricsSnapshot {
  /** By ingestion name; an ingestion missing here has loaded nothing yet. */
  totals: Map<string, LoadTotals>;
  /** Loads waiting or running in the scheduler's queue. */
  queueDepth: number;
  /** Configured ingestion names (so an ingestion with nothing loaded still shows). */
  ingestions: string[];
}

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: { labels: Record<string, string>; value: number }[];
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function line(name: string, labels: Record<string, string>, value: number): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',');
  return `${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`;
}

const STATUSES = ['succeeded', 'no_data', 'failed'] as const;

/** The families with one sample per ingestion, in the order they are shown. */
const PER_INGESTION: (Omit<Family, 'samples'> & { value: (t: LoadTotals) => number })[] = [
  {
    name: 'wharf_day_load_failures_total',
    help: 'Failed day load attempts.',
    type: 'counter',
    value: (t) => t.attempts.failed,
  },
  {
    name: 'wharf_rows_loaded',
    help: 'Rows currently loaded (sum over the ledger days).',
    type: 'gauge',
    value: (t) => t.rowsLoaded,
  },
  {
    name: 'wharf_rows_rejected',
    help: 'Rows rejected on the ledger days.',
    type: 'gauge',
    value: (t) => t.rowsRejected,
  },
  {
    name: 'wharf_day_load_duration_seconds_sum',
    help: 'Total duration of day load attempts.',
    type: 'counter',
    value: (t) => t.attemptSeconds,
  },
  {
    name: 'wharf_day_load_duration_seconds_count',
    help: 'Number of timed day load attempts.',
    type: 'counter',
    value: (t) => STATUSES.reduce((n, status) => n + t.attempts[status], 0),
  },
  { name: 'wharf_failed_days', help: 'Days whose ledger status is failed.', type: 'gauge', value: (t) => t.failedDays },
  {
    name: 'wharf_last_successful_day_timestamp_seconds',
    help: 'Midnight UTC of the latest day loaded successfully (0 when none).',
    type: 'gauge',
    value: (t) => (t.lastSuccessfulDay ? Date.parse(`${t.lastSuccessfulDay}T00:00:00Z`) / 1000 : 0),
  },
];

function families(s: MetricsSnapshot): Family[] {
  const by = s.ingestions.map((ingestion) => [ingestion, s.totals.get(ingestion) ?? emptyTotals()] as const);
  const loads: Family = {
    name: 'wharf_day_loads_total',
    help: 'Day load attempts, by ingestion and outcome.',
    type: 'counter',
    samples: by.flatMap(([ingestion, t]) =>
      STATUSES.map((status) => ({ labels: { ingestion, status }, value: t.attempts[status] })),
    ),
  };
  const perIngestion = PER_INGESTION.map(({ value, ...family }) => ({
    ...family,
    samples: by.map(([ingestion, t]) => ({ labels: { ingestion }, value: value(t) })),
  }));
  const queue: Family = {
    name: 'wharf_queue_depth',
    help: 'Loads waiting or running in the queue.',
    type: 'gauge',
    samples: [{ labels: {}, value: s.queueDepth }],
  };
  return [loads, ...perIngestion, queue];
}

export function renderMetrics(snapshot: MetricsSnapshot): string {
  return (
    families(snapshot)
      .map((f) =>
        [
          `# HELP ${f.name} ${f.help}`,
          `# TYPE ${f.name} ${f.type}`,
          ...f.samples.map((x) => line(f.name, x.labels, x.value)),
        ].join('\n'),
      )
      .join('\n') + '\n'
  );
}
