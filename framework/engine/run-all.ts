/**
 * The main job: every mapping from its startDate to the latest complete day (or `to`),
 * resumable like a backfill, then a summary per ingestion.
 */
import { latestCompleteDay, zoneOrThrow } from '../util/time.js';
import { backfill, pendingDays } from './backfill.js';
import { summarizeIngestion, type IngestionSummary } from './run-summary.js';
import type { EngineContext } from './types.js';
import { compareText } from '../util/text-order.js';

export interface RunAllOptions {
  to?: string;
  concurrency?: number;
  force?: boolean;
  now?: Date;
  signal?: AbortSignal;
}

export async function runAll(ctx: EngineContext, options: RunAllOptions = {}): Promise<IngestionSummary[]> {
  const to = options.to ?? latestCompleteDay(options.now ?? new Date(), zoneOrThrow(ctx.project.settings.timeZone));
  const out: IngestionSummary[] = [];
  const mappings = [...ctx.project.mappings.values()]
    .sort((a, b) => compareText(a.config.name, b.config.name))
    .filter((m) => m.config.startDate <= to);
  // Announce every mapping's days first, so progress has the whole run's total from the start.
  if (ctx.onProgress)
    for (const m of mappings)
      ctx.onProgress({
        kind: 'planned',
        mapping: m.config.name,
        days: (await pendingDays(ctx, m.config.name, { from: m.config.startDate, to, force: options.force ?? false }))
          .size,
      });
  for (const mapping of mappings) {
    const { name, startDate, dataset } = mapping.config;
    const result = await backfill(ctx, name, {
      from: startDate,
      to,
      concurrency: options.concurrency,
      force: options.force,
      signal: options.signal,
      announce: false,
    });
    const summary = await summarizeIngestion(ctx.store, { mapping: name, dataset, from: startDate, to }, result.days);
    out.push(result.waiting ? { ...summary, waiting: result.waiting } : summary);
  }
  return out;
}
