/** Reads a mapped target column from a source row: a result column by name, or a constant. */
import type { ColumnValue } from '../config/types.js';
import type { Row, RowValue } from '../connectors/types.js';

export type ColumnReader = (row: Row) => RowValue;

export function columnReader(source: ColumnValue | undefined): ColumnReader {
  if (source === undefined) return () => null;
  if (typeof source === 'object') {
    const value = source.constant;
    return () => value;
  }
  return (row) => row[source] ?? null;
}

/** The result columns a mapping reads (constants excluded), with the target they feed. */
export function mappedColumns(columns: Record<string, unknown>): { target: string; column: string }[] {
  const out: { target: string; column: string }[] = [];
  for (const [target, source] of Object.entries(columns)) {
    if (typeof source === 'string') out.push({ target, column: source });
    else if (target === 'customIDs' && source && typeof source === 'object') {
      for (const [idType, column] of Object.entries(source as Record<string, string>))
        out.push({ target: `customIDs.${idType}`, column });
    }
  }
  return out;
}
