/** Number formats of chart labels and titles (the same as the experiment tables show). */

/** A fraction as a signed percentage with two decimals, e.g. +8.12%; `–` when missing. */
export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const text = `${(v * 100).toFixed(2)}%`;
  return v > 0 ? `+${text}` : text;
}
