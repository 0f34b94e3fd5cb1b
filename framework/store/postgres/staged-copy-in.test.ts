/**
 * A columnar day that fails while its staging is still opening (the export failed at once,
 * say) still drops its staging: the day's schema and folder, and the staging database once
 * no load uses it, whose folders all live under the system's temporary folder.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/postgres.js';
import { openStore } from '../open-store.js';
import type { MetricsCsvSpec } from '../types.js';

const column = (i: number) => ({ column: i, numeric: false });
const spec: MetricsCsvSpec = {
  columnTypes: ['VARCHAR', 'VARCHAR', 'DATE', 'VARCHAR', 'DOUBLE'],
  fingerprint: false,
  targets: {
    unit_id: column(0),
    id_type: column(1),
    date: column(2),
    metric_name: column(3),
    metric_value: { column: 4, numeric: true },
    numerator: { constant: null },
    denominator: { constant: null },
  },
  idTypes: ['user_id'],
  ratioOnly: false,
  ratioPossible: false,
  checkRow: () => ({ rule: 'unused', column: 'unit_id', reason: 'unused' }),
  rowJson: (raw) => JSON.stringify(raw),
  ratioProblem: () => ({ rule: 'unused', column: 'metric_value', reason: 'unused' }),
};

describe('the PostgreSQL store staging of a day that fails at once', () => {
  const previous = process.env.TMPDIR;
  afterAll(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  });

  it('is dropped, folders and all, when the day rolls back before the staging has opened', async () => {
    process.env.WHARF_STAGED_COPY_IN_TEST_URL = await createTestDatabase('wharf_staged_copy_in');
    const store = await openStore({ kind: 'postgres', url: { env: 'WHARF_STAGED_COPY_IN_TEST_URL' } }, '/');
    // The staging's folders go to the system's temporary folder: one of this test's own.
    const tmp = mkdtempSync(join(tmpdir(), 'wharf-staged-copy-in-'));
    process.env.TMPDIR = tmp;
    try {
      for (let i = 0; i < 3; i++) {
        const day = await store.beginDayLoad({ ingestion: 'm', date: '2026-10-01', dataset: 'metrics' });
        day.metricsCsv!(spec);
        await day.rollback();
      }
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
