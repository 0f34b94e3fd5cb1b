/**
 * Reads the `signals/` folder: parquet files with a `finished_date` column listing the days
 * whose data is complete. The latest date wins and earlier missing dates are taken as loaded
 * (the seeds' S3 skip-date rule), so only the maximum is returned.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { IsoDate } from '../../config/types.js';
import { WharfError, messageOf } from '../../diagnostics/errors.js';
import { SOURCE_RELATION } from './day-sql.js';
import { readAll } from './parquet-reader.js';

/** Max `finished_date` of the bound `source` files; a clear error for a missing column or a bad value. */
export async function readLatestFinishedDate(
  connection: DuckDBConnection,
  sourceName: string,
  where: string,
): Promise<IsoDate | null> {
  let rows;
  try {
    const bad = await readAll(
      connection,
      `SELECT CAST(finished_date AS VARCHAR) AS value FROM ${SOURCE_RELATION} WHERE finished_date IS NOT NULL AND TRY_CAST(finished_date AS DATE) IS NULL LIMIT 1`,
    );
    if (bad.length > 0) throw invalidValue(sourceName, where, String(bad[0].value));
    rows = await readAll(
      connection,
      `SELECT strftime(max(CAST(finished_date AS DATE)), '%Y-%m-%d') AS latest FROM ${SOURCE_RELATION}`,
    );
  } catch (err) {
    if (err instanceof WharfError) throw err;
    throw new WharfError(
      `S3 source '${sourceName}': the signal files in ${where} could not be read: ${messageOf(err)}`,
      {
        code: 's3.signals-unreadable',
        errorClass: 'config',
        hint: 'Signal files are parquet with one column `finished_date` (a DATE or a YYYY-MM-DD string).',
        cause: err,
      },
    );
  }
  const latest = rows[0]?.latest;
  return typeof latest === 'string' ? latest : null;
}

function invalidValue(sourceName: string, where: string, value: string): WharfError {
  return new WharfError(
    `S3 source '${sourceName}': a signal file in ${where} has finished_date '${value}', which is not a date.`,
    {
      code: 's3.signals-invalid-date',
      errorClass: 'config',
      hint: 'Write finished_date as a DATE or as a YYYY-MM-DD string.',
    },
  );
}
