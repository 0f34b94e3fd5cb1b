/** Conformance: DayFilter semantics, per-day counts and fingerprints, and hasData. */
import { beforeAll, describe, expect, it } from 'vitest';
import { WharfError } from '../../diagnostics/errors.js';
import type { DayFilter, LogicalType, QuerySpec } from '../types.js';
import {
  changedDayRows,
  DAY_COLUMNS,
  dayRows,
  EMPTY_DAY,
  expectedIdsOn,
  FILTER_DAY,
  filterFor,
  idsOf,
} from './fixtures.js';
import type { ConformanceHarness } from './harness.js';
import { collect, querySpec } from './queries.js';

/** Each way a day can be identified, per the DayFilter contract. */
const FILTER_COLUMNS: Array<[string, LogicalType, string, DayFilter['textAs']?]> = [
  ['date', 'date', 'a DATE column equal to the day'],
  ['day_text', 'string', "a 'YYYY-MM-DD' text column equal to the day"],
  ['ts', 'timestamp', 'a timestamp without zone in [fromUtc, toUtc)'],
  ['tstz', 'timestamp', 'a timestamp with zone in [fromUtc, toUtc)'],
  ['epoch_s', 'integer', 'UNIX seconds in [fromUtc, toUtc)'],
  ['epoch_ms', 'integer', 'UNIX milliseconds in [fromUtc, toUtc)'],
  ['ts_text', 'string', "ISO date-time text ('YYYY-MM-DDTHH:MM:SSZ') in [fromUtc, toUtc)", 'instant'],
];

const NEIGHBOUR_DAYS = ['2024-03-09', FILTER_DAY, '2024-03-11'];

/** Registers the DayFilter, dayStats and hasData tests. */
export function dayTests(harness: () => ConformanceHarness): void {
  describe('days', () => {
    let query: QuerySpec;
    let changedQuery: QuerySpec;
    const columns = DAY_COLUMNS.map((column) => column.name).join(', ');

    beforeAll(async () => {
      const table = await harness().createTable('wharf_days', DAY_COLUMNS, dayRows());
      const changed = await harness().createTable('wharf_days_changed', DAY_COLUMNS, changedDayRows());
      query = querySpec(`SELECT ${columns} FROM ${table}`, 'events');
      changedQuery = querySpec(`SELECT ${columns} FROM ${changed}`, 'events');
    });

    for (const [column, type, label, textAs] of FILTER_COLUMNS) {
      it(`streamDay filters on ${label}`, async () => {
        for (const day of NEIGHBOUR_DAYS) {
          const rows = await collect(harness().connector, query, filterFor(column, type, day, textAs), 2);
          expect(idsOf(rows), `${column} on ${day}`).toEqual(expectedIdsOn(day));
        }
      });
    }

    it('streamDay yields nothing for a day without rows', async () => {
      expect(await collect(harness().connector, query, filterFor('ts', 'timestamp', EMPTY_DAY), 10)).toEqual([]);
    });

    it('streamDay stops with a transient WharfError when its signal aborts', async () => {
      const controller = new AbortController();
      const stream = harness().connector.streamDay(query, filterFor('ts', 'timestamp', FILTER_DAY), {
        batchSize: 1,
        signal: controller.signal,
      });
      const read = async (): Promise<number> => {
        let batches = 0;
        for await (const batch of stream) {
          batches += batch.length > 0 ? 1 : 0;
          controller.abort();
        }
        return batches;
      };
      const err = await read().then(
        (batches) => new Error(`streamDay kept going after the abort (${batches} batches)`),
        (caught: unknown) => caught,
      );
      expect(err).toBeInstanceOf(WharfError);
      expect(err).toMatchObject({ code: 'connector.aborted', transient: true });
    });

    it('hasData tells days with rows from days without', async () => {
      const { connector } = harness();
      expect(await connector.hasData(query, filterFor('date', 'date', FILTER_DAY))).toBe(true);
      expect(await connector.hasData(query, filterFor('ts', 'timestamp', FILTER_DAY))).toBe(true);
      expect(await connector.hasData(query, filterFor('date', 'date', EMPTY_DAY))).toBe(false);
      expect(await connector.hasData(query, filterFor('epoch_ms', 'integer', EMPTY_DAY))).toBe(false);
    });

    it('dayStats counts rows per day, in the order asked', async () => {
      const days = [FILTER_DAY, EMPTY_DAY, '2024-03-11', '2024-03-09'];
      const stats = await harness().connector.dayStats(
        query,
        days.map((day) => filterFor('ts', 'timestamp', day)),
      );
      expect(stats.map((stat) => stat.day)).toEqual(days);
      expect(stats.map((stat) => stat.rowCount)).toEqual(days.map((day) => expectedIdsOn(day).length));
    });

    it('dayStats fingerprints are deterministic and follow the content', async () => {
      const { connector } = harness();
      const filters = [FILTER_DAY, '2024-03-11'].map((day) => filterFor('date', 'date', day));
      const [first, again, changed] = await Promise.all([
        connector.dayStats(query, filters),
        connector.dayStats(query, filters),
        connector.dayStats(changedQuery, filters),
      ]);
      if (!connector.capabilities.fingerprint) {
        expect(first.map((stat) => stat.fingerprint)).toEqual([null, null]);
        return;
      }
      expect(first[0]!.fingerprint).toEqual(expect.any(String));
      expect(again.map((stat) => stat.fingerprint)).toEqual(first.map((stat) => stat.fingerprint));
      expect(changed[0]!.rowCount).toBe(first[0]!.rowCount);
      expect(changed[0]!.fingerprint, 'a changed value changes the day fingerprint').not.toBe(first[0]!.fingerprint);
      expect(changed[1]!.fingerprint, 'an unchanged day keeps its fingerprint').toBe(first[1]!.fingerprint);
    });
  });
}
