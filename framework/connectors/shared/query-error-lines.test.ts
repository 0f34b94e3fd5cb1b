/**
 * A query error's hint names the line of the SQL file, not the line of Wharf's wrapper the
 * warehouse counted: the queries run on a real DuckDB, whose message names the wrapper's line,
 * and each SQL file has its mistake on a line known from how it was written. Snowflake's,
 * BigQuery's, Trino's and Spark's ways of naming a line are checked on messages in their
 * documented form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuckDB, type DuckDBHandle } from '../../util/duckdb.js';
import { connectorError, sqlFileHint } from './errors.js';
import { ANSI_DIALECT } from './sql-dialect.js';
import { describeQuery, sampleQuery } from './wrapped-queries.js';

function hintFor(sql: string, message: string): string | undefined {
  const query = { mapping: 'daily', sqlFile: 'mappings/daily.sql', sql, dataset: 'metrics' as const };
  const error = connectorError(
    { kind: 'duckdb', sourceName: 'demo', query },
    { errorClass: 'query', transient: false, code: 'source.query', message },
  );
  return error.hint;
}

/** A file whose line `line` (from 1) misspells SELECT, after `blank` empty lines. */
function fileWithTypoOn(line: number, blank: number): string {
  const lines = ['-- daily metrics', 'SELECT 1 AS a', 'UNION ALL', 'SELECT 2 AS a', 'UNION ALL', 'SELECT 3 AS a'];
  const body = [...Array<string>(blank).fill(''), ...lines];
  body[line - 1] = body[line - 1].replace('SELECT', 'SELEC');
  return `${body.join('\n')}\n`;
}

describe('a query error names the SQL file line', () => {
  let db: DuckDBHandle;
  beforeAll(async () => {
    db = await openDuckDB(':memory:');
  });
  afterAll(() => db.close());

  const cases = [
    { line: 2, blank: 0 },
    { line: 6, blank: 0 },
    { line: 4, blank: 2 },
    { line: 8, blank: 2 },
  ];
  for (const { line, blank } of cases) {
    it(`line ${line}, after ${blank} blank lines, in the sample and describe queries`, async () => {
      const sql = fileWithTypoOn(line, blank);
      for (const query of [sampleQuery(sql, 5, ANSI_DIALECT), describeQuery(sql, ANSI_DIALECT)]) {
        const message = await db.connection.run(query).then(
          () => '',
          (err: Error) => err.message,
        );
        expect(message).toMatch(/LINE \d+:/);
        expect(hintFor(sql, message)).toMatch(new RegExp(`is line ${line} of the file`));
      }
    });
  }

  it('reads the line in Snowflake and BigQuery messages', () => {
    const sql = '\nSELECT 1 AS a\nFROM t\nWHER x';
    expect(hintFor(sql, "SQL compilation error:\nsyntax error line 4 at position 0 unexpected 'WHER'.")).toMatch(
      /the warehouse's line 4 is line 4 of the file/,
    );
    expect(hintFor(sql, 'Syntax error: Unexpected identifier "WHER" at [4:1]')).toMatch(
      /the warehouse's line 4 is line 4 of the file/,
    );
  });

  it('reads the line in Trino (Athena) and Spark (Databricks) messages, or takes it from the driver', () => {
    const query = {
      mapping: 'daily',
      sqlFile: 'mappings/daily.sql',
      sql: '\n\nSELECT a\nFROM t\nWHER x',
      dataset: 'metrics' as const,
    };
    const said = "the warehouse's line 4 is line 5 of the file";
    expect(sqlFileHint(query, "line 4:1: mismatched input 'WHER'. Expecting: <EOF>")).toContain(said);
    expect(
      sqlFileHint(query, "[PARSE_SYNTAX_ERROR] Syntax error at or near 'WHER'. SQLSTATE: 42601; line 4 pos 0"),
    ).toContain(said);
    expect(sqlFileHint(query, "[PARSE_SYNTAX_ERROR] Syntax error at or near 'WHER'(line 4, pos 0)")).toContain(said);
    // SQL Server gives the line apart from its message.
    expect(sqlFileHint(query, "Incorrect syntax near 'x'.", 4)).toContain(said);
    expect(sqlFileHint(query, "Incorrect syntax near 'x'.")).toContain("the file's line 3 is line 2");
  });

  it("says where the file starts when the line is the wrapper's or not named", () => {
    const sql = '\n\nSELECT a FROM t';
    expect(hintFor(sql, 'Binder Error: Referenced column "day" not found\n\nLINE 5: WHERE day = 1')).toBe(
      "Fix the SQL in mappings/daily.sql. Line numbers in the warehouse's message count from Wharf's wrapper, in which the file's line 3 is line 2.",
    );
    expect(hintFor(sql, 'relation "t" does not exist')).toMatch(/in which the file's line 3 is line 2\.$/);
  });
});
