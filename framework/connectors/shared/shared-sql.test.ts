/** The shared SQL pieces: identifier quoting, day predicates and the signal-table guard. */
import { describe, expect, it } from 'vitest';
import { WharfError } from '../../diagnostics/errors.js';
import { bigqueryDialect } from '../bigquery/dialect.js';
import { snowflakeDialect } from '../snowflake/dialect.js';
import { finishedDateOf, latestFinishedDateQuery } from './signal-table.js';
import { ANSI_DIALECT, dayPredicate, quoteIfNeeded, type SqlDialect } from './sql-dialect.js';
import { dayQuery, hasDataQuery, sampleQuery } from './wrapped-queries.js';

const bounds = { fromUtc: new Date('2024-03-10T08:00:00Z'), toUtc: new Date('2024-03-11T08:00:00Z') };

describe('shared SQL', () => {
  it('quotes only identifiers that need it, doubling the quote character', () => {
    expect(quoteIfNeeded('event_time', '"')).toBe('event_time');
    expect(quoteIfNeeded('event time', '"')).toBe('"event time"');
    expect(quoteIfNeeded('we"ird', '"')).toBe('"we""ird"');
    expect(quoteIfNeeded('a`b', '`')).toBe('`a``b`');
  });

  it('builds each predicate kind for each dialect', () => {
    const filter = (column: string, columnType: 'date' | 'string' | 'timestamp' | 'integer') => ({
      column,
      columnType,
      day: '2024-03-10',
      ...bounds,
    });
    expect(dayPredicate(snowflakeDialect, filter('date', 'date'))).toBe("wharf_q.date = DATE '2024-03-10'");
    expect(dayPredicate(bigqueryDialect, filter('day text', 'string'))).toBe(
      "SUBSTR(CAST(wharf_q.`day text` AS STRING), 1, 10) = '2024-03-10'",
    );
    expect(dayPredicate(bigqueryDialect, { ...filter('t', 'string'), textAs: 'instant' })).toBe(
      "CAST(SAFE_CAST(TRIM(CAST(wharf_q.t AS STRING)) AS TIMESTAMP) AS TIMESTAMP) >= TIMESTAMP '2024-03-10 08:00:00.000+00' AND " +
        "CAST(SAFE_CAST(TRIM(CAST(wharf_q.t AS STRING)) AS TIMESTAMP) AS TIMESTAMP) < TIMESTAMP '2024-03-11 08:00:00.000+00'",
    );
    expect(dayPredicate(snowflakeDialect, filter('ts', 'timestamp'))).toBe(
      "wharf_q.ts >= '2024-03-10 08:00:00.000+00:00'::TIMESTAMP_TZ AND wharf_q.ts < '2024-03-11 08:00:00.000+00:00'::TIMESTAMP_TZ",
    );
    expect(dayPredicate(bigqueryDialect, filter('epoch', 'integer'))).toBe(
      '((wharf_q.epoch >= 1710057600 AND wharf_q.epoch < 1710144000) OR (wharf_q.epoch >= 1710057600000 AND wharf_q.epoch < 1710144000000))',
    );
  });

  it('wraps the user SQL on its own lines, without its trailing semicolon', () => {
    const sql = dayQuery(snowflakeDialect, 'SELECT * FROM t -- trailing comment\n;', {
      column: 'd',
      columnType: 'date',
      day: '2024-03-10',
      ...bounds,
    });
    expect(sql).toBe(
      "SELECT * FROM (\nSELECT * FROM t -- trailing comment\n) AS wharf_q\nWHERE wharf_q.d = DATE '2024-03-10'",
    );
  });

  it("limits rows in the dialect's spelling and matches string days as the dialect reads them", () => {
    const top: SqlDialect = { ...ANSI_DIALECT, limit: (select, n) => select.replace(/^SELECT /, `SELECT TOP (${n}) `) };
    expect(sampleQuery('SELECT 1', 5)).toBe('SELECT * FROM (\nSELECT 1\n) AS wharf_q\nLIMIT 5');
    expect(sampleQuery('SELECT 1', 5, top)).toBe('SELECT TOP (5) * FROM (\nSELECT 1\n) AS wharf_q');
    const day = { column: 'd', columnType: 'string' as const, day: '2024-03-10', ...bounds };
    expect(hasDataQuery(top, 'SELECT 1', day)).toMatch(/^SELECT TOP \(1\) 1 AS wharf_hit /);
    expect(dayPredicate(ANSI_DIALECT, day)).toBe(`SUBSTRING(CAST(wharf_q."d" AS VARCHAR(64)), 1, 10) = '2024-03-10'`);
    expect(() => dayPredicate(snowflakeDialect, { ...day, columnType: 'boolean' })).toThrow(
      expect.objectContaining({ code: 'query.day-column-type' }),
    );
  });

  it('refuses a signal table name that is not a table name', () => {
    expect(latestFinishedDateQuery('src', 'analytics.signals')).toBe(
      'SELECT MAX(finished_date) AS wharf_latest FROM analytics.signals',
    );
    expect(() => latestFinishedDateQuery('src', 'x; DROP TABLE y')).toThrow(WharfError);
    expect(() => latestFinishedDateQuery('src', undefined)).toThrow(/signal table is missing/);
  });

  it('reads finished dates from dates, timestamps and text', () => {
    expect(finishedDateOf('2024-03-10')).toBe('2024-03-10');
    expect(finishedDateOf(new Date('2024-03-10T00:00:00Z'))).toBe('2024-03-10');
    expect(finishedDateOf('2024-03-10 00:00:00')).toBe('2024-03-10');
    expect(finishedDateOf(null)).toBeNull();
    expect(finishedDateOf('yesterday')).toBeNull();
  });
});
