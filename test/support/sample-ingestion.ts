/** A normalized ingestion for state and plan tests, with overrides. */
import type { NormalizedIngestion } from '../../framework/state/types.js';
import { ingestionHash } from '../../framework/state/normalize.js';

export function sampleIngestion(
  name: string,
  overrides: { sqlText?: string; startDate?: string; at?: string; restate?: 'all' | 'recheck-window' | 'none' } = {},
): NormalizedIngestion {
  return {
    mapping: {
      name,
      dataset: 'metrics',
      source: 'demo',
      schedule: 'daily_9am',
      startDate: overrides.startDate ?? '2026-10-01',
      columns: { unit_id: 'unit_id', id_type: 'id_type', date: 'ds', metric_name: 'metric', metric_value: 'value' },
      recheck: { days: 3, threshold: 0.05, reloadOnFingerprintChange: false },
      validation: { maxRejectRate: 0.05 },
      restate: overrides.restate ?? 'recheck-window',
    },
    sqlFile: `mappings/${name}.sql`,
    sqlText: overrides.sqlText ?? `SELECT unit_id, id_type, ds, metric, value FROM ${name}\n`,
    source: {
      kind: 'postgres',
      name: 'demo',
      host: '127.0.0.1',
      password: { env: 'DEMO_PASSWORD' },
      maxConcurrency: 2,
    },
    schedule: {
      kind: 'daily',
      name: 'daily_9am',
      at: overrides.at ?? '09:00',
      retryEvery: '1h',
      cutoff: '12h',
      timeZone: 'PST',
    },
  };
}

/** An upsert entry for writeState. */
export function upsert(config: NormalizedIngestion) {
  return { name: config.mapping.name, config, hash: ingestionHash(config) };
}
