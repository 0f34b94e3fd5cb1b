import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../store/types.js';
import { statusCommitMessage } from './change-summary.js';
import { renderStatus, statusFileBase } from './render.js';
import type { StatusInput } from './types.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const UPDATE = process.env.WHARF_UPDATE_GOLDEN === '1';

function entry(ingestion: string, date: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  const startedAt = new Date(`${date}T09:00:00Z`);
  return {
    ingestion,
    date,
    status: 'succeeded',
    errorClass: null,
    errorMessage: null,
    errorHint: null,
    rowsLoaded: 1200,
    rowsRejected: 0,
    rejectReasons: {},
    duplicates: 0,
    sourceRowCount: 1200,
    sourceFingerprint: 'f',
    configHash: 'h',
    commitSha: 'abc1234',
    trigger: 'schedule',
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 2500),
    firstLoadedAt: startedAt,
    loadId: `l-${date}`,
    ...over,
  };
}

/** Two ingestions, one failing on its latest day with a reject-rate error, one with rejects and a no-data day. */
export function sampleInput(): StatusInput {
  return {
    ingestions: [
      { name: 'app_events', dataset: 'events', schedule: 'daily_pst', owner: 'data@example.com' },
      { name: 'daily_metrics', dataset: 'metrics', schedule: 'api' },
      { name: 'state', dataset: 'metrics', schedule: 'api' },
    ],
    ledger: [
      // Loaded before the store kept the duplicates count: unknown.
      entry('app_events', '2024-03-01', { duplicates: null }),
      entry('app_events', '2024-03-02', {
        rowsLoaded: 1190,
        rowsRejected: 10,
        rejectReasons: { 'event_name.too_long': 7, 'user.missing_id': 3 },
        duplicates: 4,
      }),
      entry('app_events', '2024-03-03', {
        status: 'failed',
        errorClass: 'validation',
        rowsLoaded: 0,
        rowsRejected: 400,
        sourceRowCount: 1300,
        rejectReasons: {
          'timestamp.invalid': 300,
          'user.missing_id': 60,
          'event_name.too_long': 30,
          'event_metadata.not_object': 10,
        },
        errorMessage: "Mapping 'app_events' rejected 400 of 1300 rows | more than 5%",
        finishedAt: new Date('2024-03-03T09:01:05Z'),
      }),
      entry('daily_metrics', '2024-03-01', { status: 'no_data', rowsLoaded: 0, sourceRowCount: 0 }),
      entry('daily_metrics', '2024-03-02', { rowsLoaded: 50, sourceRowCount: 50 }),
      entry('daily_metrics', '2024-03-03', {
        status: 'failed',
        errorClass: 'query',
        rowsLoaded: 0,
        sourceRowCount: null,
        errorMessage:
          "Mapping 'daily_metrics' reads columns that mappings/daily_metrics.sql does not return: value → 'value'.",
        errorHint:
          'The query returns: unit_id, ds, amount. Fix the column names in mappings/daily_metrics.ts or the SELECT list.',
        finishedAt: new Date('2024-03-03T09:00:02Z'),
      }),
      entry('removed_mapping', '2024-03-02'),
    ],
    config: {
      appliedCommit: 'abc1234',
      rejected: { sha: 'def5678', problems: ["mappings/bad.ts: source: unknown source 'nope'"] },
    },
    stateJson: '{"formatVersion":1,"serial":3}',
  };
}

describe('renderStatus', () => {
  const files = renderStatus(sampleInput());

  it('matches the golden files', () => {
    if (UPDATE) mkdirSync(GOLDEN, { recursive: true });
    for (const [path, text] of files) {
      const golden = join(GOLDEN, path);
      if (UPDATE) writeFileSync(golden, text);
      expect(text, path).toBe(readFileSync(golden, 'utf8'));
    }
    expect(readdirSync(GOLDEN).sort()).toEqual([...files.keys()].sort());
  });

  it('is deterministic and leaves out ingestions no longer configured', () => {
    expect(renderStatus(sampleInput())).toEqual(files);
    expect([...files.keys()].some((p) => p.startsWith('removed_mapping'))).toBe(false);
  });

  it('puts the failing ingestion first in the README and lists the rejected commit', () => {
    const readme = files.get('README.md')!;
    expect(readme.indexOf('[app_events]')).toBeLessThan(readme.indexOf('[daily_metrics]'));
    expect(readme).toContain('def5678');
    const failingFirst = renderStatus({
      ...sampleInput(),
      ledger: sampleInput().ledger.filter((e) => e.date !== '2024-03-03'),
    });
    const r2 = failingFirst.get('README.md')!;
    expect(r2.indexOf('[app_events]')).toBeLessThan(r2.indexOf('[daily_metrics]'));
  });

  it('keeps the top three reject reasons, most frequent first, and escapes pipes', () => {
    const json = JSON.parse(files.get('app_events.json')!);
    expect(json.formatVersion).toBe(1);
    expect(json.days[0].topRejectReasons).toEqual([
      { rule: 'timestamp.invalid', count: 300 },
      { rule: 'user.missing_id', count: 60 },
      { rule: 'event_name.too_long', count: 30 },
    ]);
    expect(files.get('app_events.md')).toContain('rejected 400 of 1300 rows \\| more than 5%');
  });

  it('does not let an ingestion named like a report file overwrite it', () => {
    expect(statusFileBase('state')).toBe('ingestion_state');
    expect(files.get('state.json')).toBe('{"formatVersion":1,"serial":3}\n');
    expect(existsSync(join(GOLDEN, 'ingestion_state.json'))).toBe(true);
  });
});

describe('statusCommitMessage', () => {
  it('names the ingestions and days that changed', () => {
    const before = new Map<string, string | undefined>(
      renderStatus({
        ...sampleInput(),
        stateJson: undefined,
        ledger: sampleInput().ledger.filter((e) => e.date === '2024-03-01'),
      }),
    );
    const after = renderStatus(sampleInput());
    const message = statusCommitMessage(before, after);
    expect(message.split('\n')[0]).toBe('status: 3 updates (app_events, daily_metrics, state.json)');
    expect(message).toContain('- app_events 2 days (2024-03-02..2024-03-03: 1 succeeded, 1 failed)');
    expect(message).toContain('- daily_metrics 2 days (2024-03-02..2024-03-03: 1 succeeded, 1 failed)');
  });

  it('says so when a single ingestion changed', () => {
    const after = renderStatus(sampleInput());
    const before = new Map<string, string | undefined>(after);
    const oneDay = renderStatus({
      ...sampleInput(),
      ledger: sampleInput().ledger.filter((e) => !(e.ingestion === 'daily_metrics' && e.date === '2024-03-02')),
    });
    expect(statusCommitMessage(new Map(oneDay), after)).toBe('status: daily_metrics 1 day (2024-03-02: 1 succeeded)');
    expect(statusCommitMessage(before, after)).toBe('status: refresh reports');
  });
});
