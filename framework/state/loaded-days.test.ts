import { afterEach, describe, expect, it } from 'vitest';
import { LEDGER_DDL } from '../../test/support/ledger-runner.js';
import { STATE_BACKENDS } from '../../test/support/state-backends.js';
import type { StoreConnection } from '../store/types.js';
import { ledgerReader, summarizeLoadedDays, toRanges, type LoadedDay } from './loaded-days.js';
import { timestampParam } from './sql-values.js';

const NOW = new Date('2026-11-22T06:00:00Z');

describe('loaded-days summaries', () => {
  it('compresses sorted days into ranges of consecutive days', () => {
    expect(toRanges(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-03', '2026-03-03', '2026-03-04'])).toEqual([
      { from: '2026-02-27', to: '2026-03-01' },
      { from: '2026-03-03', to: '2026-03-04' },
    ]);
  });
});

describe.each(Object.entries(STATE_BACKENDS))('the ledger reader on a %s store', (_name, open) => {
  let store: StoreConnection | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('reads nothing from a store without a ledger', async () => {
    store = await open();
    expect(await ledgerReader(store).summaries(NOW)).toEqual({});
  });

  it('summarizes exactly as the in-memory summary does: loaded statuses only, gaps kept, old first loads dropped', async () => {
    store = await open();
    await store.exec(LEDGER_DDL);
    const rows: [string, string, string, Date | null][] = [
      ['a', '2026-06-01', 'succeeded', new Date('2026-06-02T17:00:00Z')], // first loaded > 90 days ago
      ['a', '2026-11-18', 'succeeded', new Date('2026-11-19T17:00:00.250Z')],
      ['a', '2026-11-19', 'no_data', new Date('2026-11-20T17:00:00Z')],
      ['a', '2026-11-20', 'failed', null],
      ['a', '2026-11-21', 'succeeded', new Date('2026-11-22T05:00:00Z')],
      ['b', '2026-10-31', 'succeeded', new Date('2026-11-01T17:00:00Z')],
      ['b', '2026-11-01', 'succeeded', new Date('2026-11-02T17:00:00Z')],
    ];
    for (const [ingestion, date, status, first] of rows) {
      await store.query('INSERT INTO ledger VALUES ($1, CAST($2 AS DATE), $3, CAST($4 AS TIMESTAMP))', [
        ingestion,
        date,
        status,
        first ? timestampParam(first) : null,
      ]);
    }
    const loaded: LoadedDay[] = rows
      .filter((r) => r[2] !== 'failed')
      .map(([ingestion, date, , firstLoadedAt]) => ({ ingestion, date, firstLoadedAt }));
    const fromSql = await ledgerReader(store).summaries(NOW);
    expect(fromSql).toEqual(summarizeLoadedDays(loaded, NOW));
    expect(fromSql.a).toEqual({
      days: 4,
      ranges: [
        { from: '2026-06-01', to: '2026-06-01' },
        { from: '2026-11-18', to: '2026-11-19' },
        { from: '2026-11-21', to: '2026-11-21' },
      ],
      firstLoadedAt: {
        '2026-11-18': '2026-11-19T17:00:00.250Z',
        '2026-11-19': '2026-11-20T17:00:00.000Z',
        '2026-11-21': '2026-11-22T05:00:00.000Z',
      },
    });
  });
});
