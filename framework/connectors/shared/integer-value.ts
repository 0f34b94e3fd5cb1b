/**
 * Warehouses send 64-bit integers as text (or as numbers that may already be rounded); the
 * connector contract wants a number when it is exact and a bigint when it is not.
 */

/** `text` as a number within the safe integer range, else as a bigint. */
export function integerValue(text: string | number): number | bigint {
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}
