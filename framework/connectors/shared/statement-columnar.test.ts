/**
 * The statement connectors' bulk export over a runner written here (the plugins' real clients
 * against their fakes run it in their conformance suites and the engine's parity tests): the
 * lines it writes, in COPY's text format, checked against lines written out by hand; and a
 * runner whose value of a JSON column is not text, which the export cannot send back as
 * itself and must refuse by name.
 */
import { describe, expect, it } from 'vitest';
import { filterFor } from '../conformance/fixtures.js';
import type { ColumnInfo, RowValue } from '../types.js';
import { ANSI_DIALECT } from './sql-dialect.js';
import { StatementConnector, type RawResultPage, type StatementRunner } from './statement-connector.js';

const COLUMNS: ColumnInfo[] = [
  { name: 'day', type: 'date', nativeType: 'date' },
  { name: 'n', type: 'integer', nativeType: 'bigint' },
  { name: 'x', type: 'double', nativeType: 'double' },
  { name: 'ok', type: 'boolean', nativeType: 'boolean' },
  { name: 'at', type: 'timestamp', nativeType: 'timestamp' },
  { name: 'doc', type: 'json', nativeType: 'json' },
];

/** A runner whose wire sends every value as text, as Athena's does; `doc` may come as an object instead. */
function runner(rows: unknown[][]): StatementRunner {
  const value = (raw: unknown, column: ColumnInfo): RowValue => {
    if (raw === null) return null;
    if (column.type === 'integer') return BigInt(raw as string);
    if (column.type === 'double') return Number(raw);
    if (column.type === 'boolean') return raw === 't';
    if (column.type === 'timestamp') return new Date(`${raw as string}Z`);
    return raw as RowValue;
  };
  async function* rawPages(): AsyncGenerator<RawResultPage> {
    yield { columns: COLUMNS, rows: rows.slice(0, 1) };
    yield { columns: COLUMNS, rows: rows.slice(1) };
  }
  return {
    pages: () => {
      throw new Error('the bulk export reads rawPages');
    },
    // The export describes the query first: a zero-row result of the columns.
    all: async () => ({ columns: COLUMNS, rows: [] }),
    rawPages,
    value,
  };
}

async function exportLines(rows: unknown[][]): Promise<string[]> {
  const connector = new StatementConnector({
    kind: 'wire',
    sourceName: 'lake',
    dialect: ANSI_DIALECT,
    runner: runner(rows),
    textType: 'VARCHAR',
  });
  const lines: string[] = [];
  await connector.columnar!.copyDays(
    { mapping: 'm', sqlFile: 'm.sql', sql: 'SELECT 1', dataset: 'metrics' },
    [filterFor('day', 'date', '2024-03-10')],
    { columns: COLUMNS.map((c) => c.name), fingerprint: false },
    { attach: () => undefined, row: (_day, buf, start, end) => lines.push(buf.toString('utf8', start, end)) },
  );
  return lines;
}

describe('the statement connectors’ bulk export', () => {
  it('writes each value as the text parseRow reads back: escapes, NULL, big integers, NaN, -0, instants', async () => {
    const lines = await exportLines([
      ['2024-03-10', '9223372036854775807', 'NaN', 't', '2024-03-10 01:02:03.456', '{"a":"tab\there"}'],
      ['2024-03-10', '-3', '-0', 'f', '1969-12-31 23:59:59.999', 'back\\slash\nline'],
      ['2024-03-10', null, '-Infinity', null, null, null],
    ]);
    expect(lines).toEqual([
      '2024-03-10\t9223372036854775807\tnan\ttrue\t1710032523456\t{"a":"tab\\there"}\n',
      '2024-03-10\t-3\t-0\tfalse\t-1\tback\\\\slash\\nline\n',
      '2024-03-10\t\\N\t-inf\t\\N\t\\N\t\\N\n',
    ]);
  });

  it('refuses a JSON value that is not text, naming the source, column and what the runner must give', async () => {
    const rows = [['2024-03-10', '1', '1', 't', '2024-03-10 00:00:00', { a: 1 }]];
    await expect(exportLines(rows)).rejects.toMatchObject({
      code: 'query.export-value',
      message: expect.stringContaining("source 'lake' gave json column 'doc' (json) a value that is not text (object)"),
    });
  });
});
