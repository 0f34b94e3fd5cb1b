/**
 * A number column's text as the row path stores it where it wants text (an event value, an id
 * of a user or a metric): JavaScript's `String(Number(text))`, in SQL, so that such columns
 * load in bulk from every source whatever text the source writes for its numbers.
 */

/**
 * The text the row path stores for a number column's text, JavaScript's `String(Number(text))`,
 * or NULL where the row path must write it. Whole numbers below 1e16 are their integer text
 * (`5.00`, `5.0` and `5e0` are `5`; `-0` is `0`); other numbers are DuckDB's shortest text of
 * the double when that is a plain decimal, which is JavaScript's too (both write the shortest
 * digits that read back as the double, and DuckDB turns to exponents before JavaScript does).
 * The text must be a plain decimal number, read alike by both (not NaN, a hexadecimal, a space).
 */
export function numberText(c: string): string {
  const d = `TRY_CAST(${c} AS DOUBLE)`;
  const shortest = `CAST(${d} AS VARCHAR)`;
  const plainShortest = `contains(${shortest}, '.') AND NOT contains(${shortest}, 'e')`;
  const plain = `regexp_full_match(${c}, '-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?')`;
  // DuckDB's own shortest text needs no check of its form: as most numbers of most sources come.
  return `(CASE WHEN ${d} = trunc(${d}) AND abs(${d}) < 1e16 THEN CASE WHEN ${plain} THEN CAST(CAST(${d} AS BIGINT) AS VARCHAR) END
    WHEN ${shortest} = ${c} AND ${plainShortest} THEN ${c}
    WHEN ${plainShortest} AND ${plain} THEN ${shortest} END)`;
}
