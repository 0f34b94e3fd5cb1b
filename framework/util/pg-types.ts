/**
 * The pg type parsers shared by the PostgreSQL source and the PostgreSQL store, so both read
 * values in the shapes the DuckDB side gives: int8 as number (bigint beyond 2^53),
 * numeric/float as number, DATE as 'YYYY-MM-DD', TIMESTAMP (no zone) read as UTC. Passed
 * per client or pool, so pg's global defaults stay untouched for other code.
 */
import pg from 'pg';

const { types } = pg;
const B = types.builtins;

function parseInt8(text: string): number | bigint {
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}

const keepText = (text: string) => text;

/**
 * Type parsers for one client. JSON is parsed (a source's row value) unless `jsonAsText`
 * (the store, which hands JSON columns back as the text it stored).
 */
export function pgTypeParsers(options: { jsonAsText: boolean }): pg.CustomTypesConfig {
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      switch (oid) {
        case B.INT8:
          return parseInt8;
        case B.NUMERIC:
        case B.FLOAT4:
        case B.FLOAT8:
          return (text: string) => Number(text);
        case B.DATE:
          return keepText;
        case B.TIMESTAMP:
          return (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
        case B.JSON:
        case B.JSONB:
          if (options.jsonAsText) return keepText;
          return types.getTypeParser(oid, format);
        default:
          return types.getTypeParser(oid, format);
      }
    },
  } as unknown as pg.CustomTypesConfig;
}
