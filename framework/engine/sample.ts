/**
 * The seeds' "small sample query" before scheduling: the first rows of the query, mapped,
 * with every problem found listed per target column. Nothing is written to the store.
 */
import { zoneOrThrow } from '../util/time.js';
import { dayMapper } from './day-mapper.js';
import { mappingOrThrow } from './ingest-day.js';
import type { RowProblem } from './mapped-row.js';
import { checkMappedColumns, querySpec } from './query-stage.js';
import type { EngineContext } from './types.js';
import type { ColumnInfo, Row } from '../connectors/types.js';
import type { EventRecord, MetricRecord } from '../store/schema.js';

export interface SampleResult {
  mapping: string;
  columns: ColumnInfo[];
  rows: { index: number; source: Row; mapped: EventRecord | MetricRecord | null; problems: RowProblem[] }[];
  /** Target column → the problems found in it, with the sample row index. */
  problems: Record<string, { index: number; rule: string; reason: string }[]>;
}

export async function sampleMapping(
  ctx: Pick<EngineContext, 'project' | 'connectors'>,
  mappingName: string,
  limit: number,
): Promise<SampleResult> {
  const mapping = mappingOrThrow(ctx, mappingName);
  const connector = await ctx.connectors.get(mapping.config.source);
  const query = querySpec(mapping);
  const columns = await connector.describe(query);
  checkMappedColumns(mapping, columns);
  const mapper = dayMapper(mapping, null, zoneOrThrow(ctx.project.settings.timeZone), ctx.project.settings.idTypes);
  const result: SampleResult = { mapping: mappingName, columns, rows: [], problems: {} };
  (await connector.sample(query, limit)).forEach((source, index) => {
    const mapped = mapper.map(source);
    const problems = mapped && !mapped.ok ? mapper.problems(source) : [];
    result.rows.push({ index, source, mapped: mapped?.ok ? mapped.record : null, problems });
    for (const p of problems) (result.problems[p.column] ??= []).push({ index, rule: p.rule, reason: p.reason });
  });
  return result;
}
