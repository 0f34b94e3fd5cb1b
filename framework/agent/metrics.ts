/**
 * `/metrics` in the Prometheus text exposition format, computed from the store's ledger and
 * attempt history (so the figures survive restarts) plus the live queue depth. Pure: a
 * snapshot in, text out.
 */
import type { AttemptRecord, LedgerEntry } from '../store/types.js';

export interface MetricsSnapshot {
  ledger: LedgerEntry[];
  attempts: AttemptRecord[];
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
  const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',');
  return `${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`;
}

function sum<T>(items: T[], f: (t: T) => number): number {
  return items.reduce((s, t) => s + f(t), 0);
}

/** One ingestion's ledger days and load attempts. */
interface IngestionHistory {
  ledger: LedgerEntry[];
  attempts: AttemptRecord[];
}

function perIngestion(s: MetricsSnapshot): [string, IngestionHistory][] {
  const out = new Map(s.ingestions.map((n) => [n, { ledger: [] as LedgerEntry[], attempts: [] as AttemptRecord[] }]));
  for (const e of s.ledger) out.get(e.ingestion)?.ledger.push(e);
  for (const a of s.attempts) out.get(a.ingestion)?.attempts.push(a);
  return [...out];
}

/** A family with one sample per ingestion, labelled with its name. */
type PerIngestion = (name: string, help: string, type: Family['type'], value: (d: IngestionHistory) => number) => Family;

function perIngestionOf(by: [string, IngestionHistory][]): PerIngestion {
  return (name, help, type, value) => ({ name, help, type, samples: by.map(([ingestion, d]) => ({ labels: { ingestion }, value: value(d) })) });
}

function families(s: MetricsSnapshot): Family[] {
  const by = perIngestion(s);
  const each = perIngestionOf(by);
  const seconds = (e: LedgerEntry) => (e.finishedAt.getTime() - e.startedAt.getTime()) / 1000;
  return [
    loadsByOutcome(by),
    each('wharf_day_load_failures_total', 'Failed day load attempts.', 'counter', (d) => d.attempts.filter((a) => a.status === 'failed').length),
    each('wharf_rows_loaded', 'Rows currently loaded (sum over the ledger days).', 'gauge', (d) => sum(d.ledger, (e) => e.rowsLoaded)),
    each('wharf_rows_rejected', 'Rows rejected on the ledger days.', 'gauge', (d) => sum(d.ledger, (e) => e.rowsRejected)),
    each('wharf_day_load_duration_seconds_sum', 'Total duration of day load attempts.', 'counter', (d) => sum(d.attempts, seconds)),
    each('wharf_day_load_duration_seconds_count', 'Number of timed day load attempts.', 'counter', (d) => d.attempts.length),
    each('wharf_failed_days', 'Days whose ledger status is failed.', 'gauge', (d) => d.ledger.filter((e) => e.status === 'failed').length),
    each('wharf_last_successful_day_timestamp_seconds', 'Midnight UTC of the latest day loaded successfully (0 when none).', 'gauge', lastLoadedDay),
    { name: 'wharf_queue_depth', help: 'Loads waiting or running in the queue.', type: 'gauge', samples: [{ labels: {}, value: s.queueDepth }] },
  ];
}

function loadsByOutcome(by: [string, IngestionHistory][]): Family {
  const statuses = ['succeeded', 'no_data', 'failed'] as const;
  return {
    name: 'wharf_day_loads_total',
    help: 'Day load attempts, by ingestion and outcome.',
    type: 'counter',
    samples: by.flatMap(([ingestion, d]) => statuses.map((status) => ({ labels: { ingestion, status }, value: d.attempts.filter((a) => a.status === status).length }))),
  };
}

/** Midnight UTC of the latest day loaded successfully, in seconds (0 when none). */
function lastLoadedDay(d: IngestionHistory): number {
  const days = d.ledger.filter((e) => e.status !== 'failed').map((e) => e.date).sort();
  return days.length ? Date.parse(`${days[days.length - 1]}T00:00:00Z`) / 1000 : 0;
}

export function renderMetrics(snapshot: MetricsSnapshot): string {
  return families(snapshot)
    .map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples.map((x) => line(f.name, x.labels, x.value))].join('\n'))
    .join('\n') + '\n';
}
