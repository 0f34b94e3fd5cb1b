import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.js';
import { insertAttempt, writeLedgerRow } from '../store/ledger-sql.js';
import { readLoadTotals } from '../store/load-totals.js';
import { openStore } from '../store/open-store.js';
import type { LedgerEntry, Store } from '../store/types.js';
import { renderMetrics } from './metrics.js';

function e(ingestion: string, date: string, status: LedgerEntry['status'], rows: number, ms: number): LedgerEntry {
  const startedAt = new Date(`${date}T10:00:00Z`);
  return {
    ingestion,
    date,
    status,
    errorClass: null,
    errorMessage: null,
    errorHint: null,
    rowsLoaded: rows,
    rowsRejected: status === 'failed' ? 5 : 1,
    rejectReasons: {},
    duplicates: 0,
    sourceRowCount: rows,
    sourceFingerprint: null,
    configHash: 'h',
    commitSha: null,
    trigger: 'schedule',
    startedAt,
    finishedAt: new Date(startedAt.getTime() + ms),
    firstLoadedAt: null,
    loadId: 'l',
  };
}

const backends: Record<string, () => Promise<Store>> = {
  duckdb: async () =>
    openStore({ kind: 'duckdb', path: join(mkdtempSync(join(tmpdir(), 'wharf-metrics-')), 'store.duckdb') }, '/'),
  postgres: async () => {
    process.env.WHARF_METRICS_TEST_URL = await createTestDatabase();
    return openStore({ kind: 'postgres', url: { env: 'WHARF_METRICS_TEST_URL' } }, '/');
  },
};

let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

describe.each(Object.keys(backends))('renderMetrics over the %s store', (backend) => {
  it('renders loads, rows, rejects, failures, durations, queue depth and the last successful day per ingestion', async () => {
    store = await backends[backend]();
    const ledger = [
      e('app_events', '2024-01-01', 'succeeded', 100, 2000),
      e('app_events', '2024-01-02', 'failed', 0, 500),
    ];
    const attempts = [...ledger, e('app_events', '2024-01-02', 'failed', 0, 1500)];
    const s = store;
    await s.transaction(async (tx) => {
      for (const entry of ledger) await writeLedgerRow(tx, entry);
      for (const entry of attempts) await insertAttempt(tx, entry);
    });
    const text = renderMetrics({
      totals: await readLoadTotals(s),
      queueDepth: 3,
      ingestions: ['app_events', 'quiet"one'],
    });
    expect(text).toContain('# TYPE wharf_day_loads_total counter');
    expect(text).toContain('wharf_day_loads_total{ingestion="app_events",status="failed"} 2');
    expect(text).toContain('wharf_day_loads_total{ingestion="app_events",status="succeeded"} 1');
    expect(text).toContain('wharf_day_loads_total{ingestion="app_events",status="no_data"} 0');
    expect(text).toContain('wharf_day_load_failures_total{ingestion="app_events"} 2');
    expect(text).toContain('wharf_rows_loaded{ingestion="app_events"} 100');
    expect(text).toContain('wharf_rows_rejected{ingestion="app_events"} 6');
    expect(text).toContain('wharf_failed_days{ingestion="app_events"} 1');
    expect(text).toContain('wharf_day_load_duration_seconds_sum{ingestion="app_events"} 4');
    expect(text).toContain('wharf_day_load_duration_seconds_count{ingestion="app_events"} 3');
    expect(text).toContain('wharf_last_successful_day_timestamp_seconds{ingestion="app_events"} 1704067200');
    expect(text).toContain('wharf_last_successful_day_timestamp_seconds{ingestion="quiet\\"one"} 0');
    expect(text).toContain('wharf_rows_loaded{ingestion="quiet\\"one"} 0');
    expect(text).toContain('wharf_queue_depth 3');
    for (const l of text.trim().split('\n'))
      expect(l).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?\d+(\.\d+)?)$/);
  });
});
