/**
 * The scheduler's SourceProbe over Wharf's connector contract: readiness and rechecks become
 * `hasData` / `dayStats` calls with the mapping's query and DayFilter, signals become
 * `latestFinishedDate` (read as loads read them, engine/signal-cap.ts). Which connector,
 * query and filter belong to a mapping is the caller's knowledge (the engine builds them), so
 * they are injected.
 */
import type { IsoDate, SignalSchedule } from '../config/types.js';
import type { Connector, DayFilter, DayStats, QuerySpec } from '../connectors/types.js';
import { readFinishedDate } from '../engine/signal-cap.js';
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
    return readFinishedDate(await this.deps.connector(schedule.source), schedule);
  }
}
