/** Small helpers the conformance tests share: naming queries and draining streams. */
import type { Connector, DayFilter, QuerySpec, Row } from '../types.js';

/** The mapping name and SQL file every conformance query is attributed to. */
export const CONFORMANCE_MAPPING = 'conformance_mapping';
export const CONFORMANCE_SQL_FILE = 'mappings/conformance.sql';

/** A QuerySpec attributed to the conformance mapping and SQL file. */
export function querySpec(sql: string, dataset: QuerySpec['dataset'] = 'metrics'): QuerySpec {
  return { mapping: CONFORMANCE_MAPPING, sqlFile: CONFORMANCE_SQL_FILE, sql, dataset };
}

/** Drains streamDay, checking that no batch exceeds the requested size. */
export async function collect(
  connector: Connector,
  query: QuerySpec,
  filter: DayFilter,
  batchSize: number,
): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of connector.streamDay(query, filter, { batchSize })) {
    if (batch.length > batchSize) throw new Error(`A batch of ${batch.length} rows exceeds batchSize ${batchSize}`);
    rows.push(...batch);
  }
  return rows;
}

/** Runs `action` and returns what it threw; fails when it does not throw. */
export async function thrownBy(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (err) {
    return err;
  }
  throw new Error('Expected the operation to fail, but it succeeded');
}
