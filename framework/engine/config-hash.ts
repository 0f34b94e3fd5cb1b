/**
 * The hash of what determines a mapping's loaded data: dataset, source, column mapping, SQL
 * text, validation threshold, and the project settings the rules read (zone, id types). The
 * ledger records it per day; a day loaded under another hash is stale.
 */
import { createHash } from 'node:crypto';
import type { LoadedMapping, ResolvedProjectSettings } from '../config/project.js';
import { localeOrderedJson } from '../util/canonical-json.js';

export function mappingConfigHash(
  mapping: LoadedMapping,
  settings: Pick<ResolvedProjectSettings, 'timeZone' | 'idTypes'>,
): string {
  const { config } = mapping;
  const material = {
    dataset: config.dataset,
    source: config.source,
    columns: config.columns,
    sql: mapping.sqlText.trim(),
    maxRejectRate: mapping.validation.maxRejectRate,
    zone: config.dataset === 'events' ? settings.timeZone : undefined,
    idTypes: config.dataset === 'metrics' ? [...settings.idTypes].sort() : undefined,
  };
  return createHash('sha256').update(localeOrderedJson(material)).digest('hex').slice(0, 16);
}
