import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../store/types.js';
import { renderMetrics } from './metrics.js';

function e(ingestion: string, date: string, status: LedgerEntry['status'], rows: number, ms: number): LedgerEntry {
  const startedAt = new Date(`${date}T10:00:00Z`);
  return { ingestion, date, status, errorClass: null, errorMessage: null, rowsLoaded: rows, rowsRejected: status === 'failed' ? 5 : 1, rejectReasons: {}, duplicates: 0, sourceRowCount: rows,
    sourceFingerprint: null, configHash: 'h', commitSha: null, trigger: 'schedule', startedAt, finishedAt: new Date(startedAt.getTime() + ms), firstLoadedAt: null, loadId: 'l' };
}

describe('renderMetrics', () => {
  it('renders loads, rows, rejects, failures, durations, queue depth and the last successful day per ingestion', () => {
    const ledger = [e('app_events', '2024-01-01', 'succeeded', 100, 2000), e('app_events', '2024-01-02', 'failed', 0, 500)];
    const attempts = [...ledger, e('app_events', '2024-01-02', 'failed', 0, 1500)];
    const text = renderMetrics({ ledger, attempts, queueDepth: 3, ingestions: ['app_events', 'quiet"one'] });
    expect(text).toContain('# TYPE wharf_day_loads_total counter');
    expect(text).toContain('wharf_day_loads_total{ingestion="app_events",status="failed"} 2');
    expect(text).toContain('wharf_day_loads_total{ingestion="app_events",status="succeeded"} 1');
    expect(text).toContain('wharf_day_load_failures_total{ingestion="app_events"} 2');
    expect(text).toContain('wharf_rows_loaded{ingestion="app_events"} 100');
    expect(text).toContain('wharf_rows_rejected{ingestion="app_events"} 6');
    expect(text).toContain('wharf_day_load_duration_seconds_sum{ingestion="app_events"} 4');
    expect(text).toContain('wharf_last_successful_day_timestamp_seconds{ingestion="app_events"} 1704067200');
    expect(text).toContain('wharf_last_successful_day_timestamp_seconds{ingestion="quiet\\"one"} 0');
    expect(text).toContain('wharf_queue_depth 3');
    for (const l of text.trim().split('\n')) expect(l).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? -?\d+(\.\d+)?)$/);
  });
});
