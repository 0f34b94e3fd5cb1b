/**
 * `ingest validate --queries`: each mapping's query described by its source (a describe
 * reads no rows) and checked as a load would check it — the columns it maps, and a day
 * column of a type that can hold a day. Every problem is a diagnostic on the mapping's file,
 * so one run reports them all; `ingest sample` does the same for one mapping with rows.
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { hintOf, messageOf, WharfError } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { zoneOrThrow } from '../util/time.js';
import { checkMappedColumns, dayFilter, querySpec } from './query-stage.js';
import type { EngineContext } from './types.js';

/** The problems of every mapping's query (none when all are fine), in the mappings' order. */
export async function checkQueries(ctx: Pick<EngineContext, 'project' | 'connectors'>): Promise<Diagnostic[]> {
  const zone = zoneOrThrow(ctx.project.settings.timeZone);
  const problems: Diagnostic[] = [];
  for (const mapping of ctx.project.mappings.values()) {
    try {
      const connector = await ctx.connectors.get(mapping.config.source);
      const columns = await connector.describe(querySpec(mapping));
      checkMappedColumns(mapping, columns);
      dayFilter(mapping, columns, mapping.config.startDate, zone);
    } catch (err) {
      const hint = hintOf(err);
      problems.push(
        error(err instanceof WharfError ? err.code : 'internal', redactSecrets(messageOf(err)), {
          file: mapping.file,
          ...(hint ? { hint: redactSecrets(hint) } : {}),
        }),
      );
    }
  }
  return problems;
}
