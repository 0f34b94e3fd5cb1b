/**
 * The scheduler's SourceProbe over Wharf's connector contract: readiness and rechecks become
 * `hasData` / `dayStats` calls with the mapping's query and DayFilter, signals become
 * `latestFinishedDate`. Which connector, query and filter belong to a mapping is the
 * caller's knowledge (the engine builds them), so they are injected.
 */
import type { IsoDate, SignalSchedule } from '../config/types.js';
import type { Connector, DayFilter, DayStats, QuerySpec } from '../connectors/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { ScheduledMapping, SourceProbe } from './types.js';

/** What ConnectorProbe needs to turn a mapping and a day into a connector call. */
export interface ConnectorProbeDeps {
  /** The open connector of a source, by source name. */
  connector(source: string): Promise<Connector>;
  /** The mapping's query, as the engine runs it. */
  query(mapping: ScheduledMapping): Promise<QuerySpec>;
  /** The filter that restricts the mapping's query to one day. */
  dayFilter(mapping: ScheduledMapping, day: IsoDate): Promise<DayFilter>;
}

/** Answers the scheduler's readiness, recheck and signal questions through connectors. */
export class ConnectorProbe implements SourceProbe {
  constructor(private readonly deps: ConnectorProbeDeps) {}

  async hasData(mapping: ScheduledMapping, day: IsoDate): Promise<boolean> {
    const connector = await this.deps.connector(mapping.source);
    return connector.hasData(await this.deps.query(mapping), await this.deps.dayFilter(mapping, day));
  }

  async dayStats(mapping: ScheduledMapping, days: IsoDate[]): Promise<DayStats[]> {
    if (days.length === 0) return [];
    const connector = await this.deps.connector(mapping.source);
    const filters = await Promise.all(days.map((day) => this.deps.dayFilter(mapping, day)));
    return connector.dayStats(await this.deps.query(mapping), filters, {
      fingerprint: mapping.recheck.reloadOnFingerprintChange,
    });
  }

  async latestFinishedDate(schedule: SignalSchedule): Promise<IsoDate | null> {
    const connector = await this.deps.connector(schedule.source);
    if (connector.capabilities.signals === 'none' || !connector.latestFinishedDate) {
      throw new WharfError(
        `Schedule '${schedule.name}': source '${schedule.source}' (${connector.kind}) cannot hold a finished_date signal.`,
        {
          code: 'schedule.signal-unsupported',
          errorClass: 'config',
          hint: 'Point the signal schedule at a warehouse source with a finished_date table, or at an S3 source with a signals/ folder.',
        },
      );
    }
    if (connector.capabilities.signals === 'table' && !schedule.table) {
      throw new WharfError(
        `Schedule '${schedule.name}': source '${schedule.source}' needs a 'table' holding the finished_date column.`,
        {
          code: 'schedule.signal-table',
          errorClass: 'config',
          hint: "Add table: 'your_signal_table' to the schedule.",
        },
      );
    }
    return connector.latestFinishedDate({ table: schedule.table });
  }
}
