/**
 * The main job: every mapping from its startDate to the latest complete day (or `to`),
 * resumable like a backfill, then a summary per ingestion.
 */
import { latestCompleteDay, zoneOrThrow } from '../util/time.js';
import { backfill } from './backfill.js';
import { summarizeIngestion, type IngestionSummary } from './run-summary.js';
import type { EngineContext } from './types.js';

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
  for (const mapping of [...ctx.project.mappings.values()].sort((a, b) => a.config.name.localeCompare(b.config.name))) {
    const { name, startDate, dataset } = mapping.config;
    if (startDate > to) continue;
    const result = await backfill(ctx, name, { from: startDate, to, concurrency: options.concurrency, force: options.force, signal: options.signal });
    const summary = await summarizeIngestion(ctx.store, name, dataset, startDate, to, result.days);
    out.push(result.waiting ? { ...summary, waiting: result.waiting } : summary);
  }
  return out;
}
