/** Chooses the map/validate stage for a mapping's dataset, behind one small interface. */
import type { LoadedMapping } from '../config/project.js';
import type { Row } from '../connectors/types.js';
import type { EventRecord, MetricRecord } from '../store/schema.js';
import type { Zone } from '../util/time.js';
import { EventsMapper } from './map-events.js';
import { MetricsMapper } from './map-metrics.js';
import type { Mapped, RowProblem } from './mapped-row.js';

export interface DayMapper {
  /** The mapped record, a reject, or null when the row is dropped as a duplicate. */
  map(row: Row): Mapped<EventRecord | MetricRecord> | null;
  /** Every problem of a row, one per column, for `ingest sample`. */
  problems(row: Row): RowProblem[];
  /** Metrics whose accepted rows without a denominator turned out to belong to a ratio metric. */
  metricsToRecheck(): string[];
  duplicates(): number;
}

export function dayMapper(
  mapping: LoadedMapping,
  day: string | null,
  zone: Zone,
  idTypes: readonly string[],
): DayMapper {
  const ingestion = mapping.config.name;
  if (mapping.config.dataset === 'events') {
    const events = new EventsMapper(mapping.config.columns, { ingestion, day, zone });
    return {
      map: (row) => events.map(row),
      problems: (row) => events.problems(row),
      metricsToRecheck: () => [],
      duplicates: () => events.duplicates,
    };
  }
  const metrics = new MetricsMapper(mapping.config.columns, { ingestion, day, idTypes, zone });
  return {
    map: (row) => metrics.map(row),
    problems: (row) => metrics.problems(row),
    metricsToRecheck: () => metrics.metricsToRecheck(),
    duplicates: () => 0,
  };
}
