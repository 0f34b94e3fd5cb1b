/**
 * PostgreSQL COPY text format: one line per row, tab-separated, `\N` for NULL, and
 * backslash escapes for the characters that would break the line structure.
 */
export type CopyValue = string | number | null;

const SPECIAL = /[\\\t\n\r]/;

function escapeText(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function field(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return String(value);
  }
  return escapeText(value);
}

/** Rows → one COPY text chunk. */
export function copyLines(rows: readonly (readonly CopyValue[])[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) out += (i ? '\t' : '') + field(row[i]);
    out += '\n';
  }
  return out;
}
