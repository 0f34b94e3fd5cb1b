/**
 * The value-only rows a day load holds as received (DayLoad.holdValueOnlyRows), shared by the
 * stores: the per-load table's name, the statement that turns a metric's held rows into its
 * rejects, and the check that every moved row had its received form held.
 */
import { WharfError } from '../diagnostics/errors.js';
import { TABLES } from './schema.js';

/** The rule and column of a ratio metric's row without a denominator. */
export const NULL_IN_RATIO = { column: 'denominator', rule: 'denominator.null_in_ratio' } as const;

/** The per-load temporary table of held rows (metric_name, "row"). */
export const heldTable = (loadId: string) => `wharf_held_${loadId.replace(/[^a-z0-9]/gi, '')}`;

/**
 * Inserts one metric's held rows into the rejects, in the order they were held. Parameters:
 * $1 ingestion, $2 date, $3 reason, $4 load id, $5 metric; `order` names the held table's
 * order column.
 */
export function heldRejectsSql(table: string, order: string): string {
  return `INSERT INTO ${TABLES.rejects} (ingestion, "date", "row", "column", rule, reason, load_id)
    SELECT CAST($1 AS VARCHAR), CAST($2 AS DATE), "row", '${NULL_IN_RATIO.column}', '${NULL_IN_RATIO.rule}', CAST($3 AS VARCHAR), CAST($4 AS VARCHAR)
    FROM ${table} WHERE metric_name = $5 ORDER BY ${order}`;
}

/**
 * A move whose held rows do not match the rows it took out of `metrics` is a bug: the load fails rather than store
 * wrong rejects.
 */
export function checkHeld(metric: string, moved: number, held: number): void {
  if (moved === held) return;
  throw new WharfError(
    `Internal error: ${moved} rows of metric '${metric}' without a denominator were loaded but ${held} were held as received`,
    {
      code: 'store.held-rows-mismatch',
      errorClass: 'internal',
      hint: 'This is a bug in Wharf; please report it with the mapping. The day was not changed.',
    },
  );
}
