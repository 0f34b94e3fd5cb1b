/** Number formatting shared by the experiment views (terminal and Markdown). */

/** A value to 4 significant digits (plain notation between 0.001 and 1e6). */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/** A fraction as a signed percentage, e.g. +8.12%. */
export function fmtPercent(v: number | null | undefined, signed = true): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const text = `${(v * 100).toFixed(2)}%`;
  return signed && v > 0 ? `+${text}` : text;
}

/** A p-value to 4 decimals, or `< 0.0001`. */
export function fmtPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 1e-4 ? '< 0.0001' : p.toFixed(4);
}

/** A confidence interval as `[lower, upper]`. */
export function fmtInterval(
  lo: number | null | undefined,
  hi: number | null | undefined,
  format: (v: number | null) => string,
): string {
  return lo === null || lo === undefined || hi === null || hi === undefined ? '–' : `[${format(lo)}, ${format(hi)}]`;
}

/** "p = 0.0123" or "p < 0.0001", for sentences. */
export function pClause(p: number | null | undefined): string {
  const text = fmtPValue(p);
  return text.startsWith('<') ? `p ${text}` : `p = ${text}`;
}
