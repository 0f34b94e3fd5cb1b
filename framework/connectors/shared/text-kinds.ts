/**
 * What the text exports of BigQuery, Snowflake and the DuckDB-run sources share: each column
 * travels by a kind read from its native type (or, with no kind, the source keeps the row
 * path), and the rows the store hands back are parsed by kind.
 */
import { unescapeCopyText } from './text-export.js';
import type { ColumnarExport, ColumnInfo, Row } from '../types.js';

/** How one source's columns travel as text. */
export interface TextKinds<K extends string> {
  /** The column's kind, or null: the row path. */
  kindOf(column: ColumnInfo): K | null;
  /** The kinds whose exact CSV type is DOUBLE (the kind 'date' is DATE). */
  doubleKinds: readonly K[];
  /** One exported field back as the row path's value. */
  parseField(kind: K | null, text: string): Row[string];
}

/** The ColumnarExport members that follow from the source's kinds. */
export function textKindMembers<K extends string>(
  kinds: TextKinds<K>,
): Pick<ColumnarExport, 'textColumns' | 'exactCsvType' | 'timestampText' | 'parseRow'> {
  return {
    // commonFieldValue reads a timestamp back from its milliseconds.
    timestampText: 'epochMs',
    textColumns: (columns) => columns.every((c) => kinds.kindOf(c) !== null),
    exactCsvType(column) {
      const kind = kinds.kindOf(column);
      if (kind !== null && kinds.doubleKinds.includes(kind)) return 'DOUBLE';
      return kind === 'date' ? 'DATE' : null;
    },
    parseRow(columns, raw) {
      const row: Row = {};
      columns.forEach((c, i) => {
        const text = raw[i];
        row[c.name] = text === null ? null : kinds.parseField(kinds.kindOf(c), text);
      });
      return row;
    },
  };
}

/**
 * A field of the kinds every text export writes alike (a timestamp as epoch milliseconds, a
 * boolean as `true`/`false`, a date as its text, anything else as escaped text) back as the
 * row path's value.
 */
export function commonFieldValue(kind: string | null, text: string): Row[string] {
  switch (kind) {
    case 'timestamp':
      return new Date(Number(text));
    case 'boolean':
      return text === 'true';
    case 'date':
      return text;
    default:
      return unescapeCopyText(text);
  }
}
