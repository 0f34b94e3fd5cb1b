/**
 * One row that came as a single COPY text line (too large for a file of its own): tab-separated
 * fields, `\N` for NULL. Escapes are left for the checks, as read_csv leaves them.
 */

/** The line's fields and, when the export adds one, its fingerprint term (the last field). */
export function copyLineFields(line: string, fingerprint: boolean): { fields: (string | null)[]; term: bigint | null } {
  const fields: (string | null)[] = line
    .replace(/\n$/, '')
    .split('\t')
    .map((f) => (f === '\\N' ? null : f));
  const fp = fingerprint ? fields.pop() : null;
  return { fields, term: fp ? BigInt(fp) : null };
}
