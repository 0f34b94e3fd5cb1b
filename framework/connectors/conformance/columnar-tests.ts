/**
 * Conformance of a connector's bulk export (ColumnarExport), for connectors that have one:
 * every exported row, read back with parseRow, is exactly the row streamDay gives for its
 * day; rows reach the right day of a multi-day export; and the day's count and fingerprint
 * from the export equal the connector's own dayStats. streamDay is the reference: the export
 * is correct when the row path could not tell the two apart.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnInfo, Connector, DayFilter, QuerySpec, Row } from '../types.js';
import { DAY_COLUMNS, dayRows, FILTER_DAY, filterFor, VALUE_COLUMNS, VALUE_ROWS } from './fixtures.js';
import type { ConformanceHarness } from './harness.js';
import { collect, querySpec } from './queries.js';

const DAYS = ['2024-03-09', FILTER_DAY, '2024-03-11'];

/** The exported rows of each day, as text fields (`\N` → null), the fingerprint term split off. */
interface Exported {
  rows: (string | null)[][][];
  terms: bigint[][];
}

async function exportDays(
  connector: Connector,
  query: QuerySpec,
  filters: DayFilter[],
  columns: string[],
  fingerprint: boolean,
): Promise<Exported> {
  const out: Exported = { rows: filters.map(() => []), terms: filters.map(() => []) };
  await connector.columnar!.copyDays(
    query,
    filters,
    { columns, fingerprint },
    {
      attach: () => undefined,
      row(day, buf, start, end) {
        const fields = buf
          .toString('utf8', start, end)
          .replace(/\n$/, '')
          .split('\t')
          .map((f) => (f === '\\N' ? null : f));
        if (fingerprint) out.terms[day].push(BigInt(fields.pop()!));
        out.rows[day].push(fields);
      },
    },
  );
  return out;
}

/** parseRow of exported rows (export order `columns`), in the query's column order. */
function parsed(
  connector: Connector,
  described: ColumnInfo[],
  exportOrder: string[],
  rows: (string | null)[][],
): Row[] {
  const at = described.map((c) => exportOrder.indexOf(c.name));
  return rows.map((raw) =>
    connector.columnar!.parseRow(
      described,
      at.map((i) => raw[i]),
    ),
  );
}

const byId = (rows: Row[]) => [...rows].sort((a, b) => Number(a.id) - Number(b.id));

/** Registers the bulk export tests; they pass trivially for connectors without one. */
export function columnarTests(harness: () => ConformanceHarness): void {
  describe('bulk export (columnar path)', () => {
    let values: QuerySpec;
    let days: QuerySpec;

    beforeAll(async () => {
      if (!harness().connector.columnar) return;
      const valueTable = await harness().createTable('wharf_export_values', VALUE_COLUMNS, VALUE_ROWS);
      values = querySpec(
        `SELECT '${FILTER_DAY}' AS wday, ${VALUE_COLUMNS.map((c) => c.name).join(', ')} FROM ${valueTable}`,
      );
      const dayTable = await harness().createTable('wharf_export_days', DAY_COLUMNS, dayRows());
      days = querySpec(`SELECT ${DAY_COLUMNS.map((c) => c.name).join(', ')} FROM ${dayTable}`);
    });

    it('exports every value type as text parseRow turns back into the row streamDay gives', async () => {
      const connector = harness().connector;
      if (!connector.columnar) return;
      const described = await connector.describe(values);
      expect(connector.columnar.textColumns(described)).toBe(true);
      const filter = filterFor('wday', 'string', FILTER_DAY);
      const order = ['wday', ...VALUE_COLUMNS.map((c) => c.name)];
      const exported = await exportDays(connector, values, [filter], order, false);
      const streamed = await collect(connector, values, filter, 100);
      expect(streamed).toHaveLength(VALUE_ROWS.length);
      expect(byId(parsed(connector, described, order, exported.rows[0]))).toEqual(byId(streamed));
    });

    it('routes each row of a multi-day export to its day, with the count and fingerprint of dayStats', async () => {
      const connector = harness().connector;
      if (!connector.columnar) return;
      const described = await connector.describe(days);
      const filters = DAYS.map((day) => filterFor('date', 'date', day));
      const order = ['date', ...DAY_COLUMNS.map((c) => c.name).filter((n) => n !== 'date')];
      const exported = await exportDays(connector, days, filters, order, true);
      const stats = await connector.dayStats(days, filters);
      for (const [i, filter] of filters.entries()) {
        const streamed = await collect(connector, days, filter, 100);
        expect(streamed.length, filter.day).toBeGreaterThan(0);
        expect(byId(parsed(connector, described, order, exported.rows[i])), filter.day).toEqual(byId(streamed));
        const sum = exported.terms[i].reduce((a, b) => a + b, 0n);
        expect(connector.columnar.dayStats(filter.day, exported.rows[i].length, String(sum)), filter.day).toEqual(
          stats[i],
        );
      }
    });

    it('exports nothing for a day without rows', async () => {
      const connector = harness().connector;
      if (!connector.columnar) return;
      const exported = await exportDays(
        connector,
        days,
        [filterFor('date', 'date', '2024-01-01')],
        ['date', 'id'],
        false,
      );
      expect(exported.rows[0]).toEqual([]);
    });
  });
}
