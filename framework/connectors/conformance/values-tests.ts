/** Conformance: every value type comes back normalized as the RowValue contract says. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { QuerySpec, RowValue } from '../types.js';
import { expectedValue, field, filterFor, VALUE_COLUMNS, VALUE_LOGICAL_TYPES, VALUE_ROWS } from './fixtures.js';
import type { ConformanceHarness, FixtureColumn } from './harness.js';
import { collect, querySpec } from './queries.js';

/** Asserts one returned value against its fixture value, naming the column and row on failure. */
export function expectNormalized(actual: RowValue, fixture: RowValue, column: FixtureColumn, id: number): void {
  const where = `column ${column.name} of row ${id}`;
  const expected = expectedValue(fixture, column.type);
  if (expected === null) return void expect(actual, where).toBeNull();
  switch (column.type) {
    case 'double':
      if (Number.isNaN(expected)) return void expect(Number.isNaN(actual), `${where} should be NaN`).toBe(true);
      return void expect(actual, where).toBe(expected);
    case 'timestamp':
    case 'timestamptz':
      expect(actual, `${where} should be a Date`).toBeInstanceOf(Date);
      return void expect((actual as Date).toISOString(), where).toBe((expected as Date).toISOString());
    case 'json':
      return void expect(typeof actual === 'string' ? JSON.parse(actual) : actual, where).toEqual(expected);
    default:
      expect(typeof actual, `${where} type`).toBe(typeof expected);
      return void expect(actual, where).toEqual(expected);
  }
}

/** Registers the value-type tests. */
export function valueTests(harness: () => ConformanceHarness): void {
  describe('value types', () => {
    let query: QuerySpec;
    const columns = VALUE_COLUMNS.map((column) => column.name).join(', ');

    beforeAll(async () => {
      const table = await harness().createTable('wharf_values', VALUE_COLUMNS, VALUE_ROWS);
      query = querySpec(`SELECT ${columns} FROM ${table}`);
    });

    it('describe reports each column with its logical type', async () => {
      const described = await harness().connector.describe(query);
      const types = Object.fromEntries(described.map((column) => [column.name.toLowerCase(), column.type]));
      expect(types).toEqual({ ...VALUE_LOGICAL_TYPES, ...harness().describedAs });
      for (const column of described) expect(column.nativeType.length).toBeGreaterThan(0);
    });

    it('sample returns every value normalized', async () => {
      const rows = await harness().connector.sample(query, 100);
      expect(rows).toHaveLength(VALUE_ROWS.length);
      const byId = new Map(rows.map((row) => [Number(field(row, 'id')), row]));
      for (const fixture of VALUE_ROWS) {
        const row = byId.get(fixture[0] as number);
        expect(row, `row ${String(fixture[0])}`).toBeDefined();
        VALUE_COLUMNS.forEach((column, index) =>
          expectNormalized(field(row!, column.name), fixture[index] as RowValue, column, fixture[0] as number),
        );
      }
    });

    it('sample honours the limit', async () => {
      expect(await harness().connector.sample(query, 2)).toHaveLength(2);
    });

    it('streamDay returns the same normalized values as sample', async () => {
      const rows = await collect(harness().connector, query, filterFor('day', 'date', '2024-03-01'), 10);
      expect(rows).toHaveLength(1);
      VALUE_COLUMNS.forEach((column, index) =>
        expectNormalized(field(rows[0]!, column.name), VALUE_ROWS[0]![index] as RowValue, column, 1),
      );
    });
  });
}
