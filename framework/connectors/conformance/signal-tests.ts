/** Conformance: connectors with table signals read the latest `finished_date`. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceHarness } from './harness.js';

const FINISHED = ['2024-03-08', '2024-03-10', '2024-03-09'];

/** Registers the signal-table tests (skipped for connectors whose signals are not tables). */
export function signalTests(harness: () => ConformanceHarness): void {
  describe('signal table', () => {
    let table: string;
    let emptyTable: string;

    beforeAll(async () => {
      const columns = [{ name: 'finished_date', type: 'date' as const }];
      table = await harness().createTable(
        'wharf_signals',
        columns,
        FINISHED.map((day) => [day]),
      );
      emptyTable = await harness().createTable('wharf_signals_empty', columns, []);
    });

    it('latestFinishedDate is the newest finished_date, or null when there is none', async (context) => {
      const { connector } = harness();
      if (connector.capabilities.signals !== 'table') context.skip();
      expect(connector.latestFinishedDate, 'signals: table requires latestFinishedDate').toBeTypeOf('function');
      expect(await connector.latestFinishedDate!({ table })).toBe('2024-03-10');
      expect(await connector.latestFinishedDate!({ table: emptyTable })).toBeNull();
    });
  });
}
