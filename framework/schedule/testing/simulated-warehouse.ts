/**
 * A warehouse whose data changes over simulated time, for clock-driven tests of the
 * scheduler and the agent. Each mapping's day holds a row count (and a content version)
 * that lands or changes at given instants; signals are `finished_date` rows that appear at
 * given instants. It answers the scheduler's probe questions from what is visible at the
 * clock's now, and doubles as the engine: `load` "copies" the day's visible count into a
 * ledger with the engine's semantics (firstLoadedAt kept across reloads).
 */
import type { IsoDate, SignalSchedule } from '../../config/types.js';
import type { DayStats } from '../../connectors/types.js';
import type { LedgerEntry, LedgerQuery } from '../../store/types.js';
import type {
  Clock,
  DayLoader,
  LedgerReader,
  LoadOutcome,
  LoadTrigger,
  ScheduledMapping,
  SourceProbe,
} from '../types.js';
import { compareText } from '../../util/text-order.js';
import { WharfError } from '../../diagnostics/errors.js';

interface Version {
  at: number;
  rows: number;
  content: string;
}

/** One call of `load`, as the simulated engine saw it. */
export interface SimulatedLoad {
  mapping: string;
  day: IsoDate;
  trigger: LoadTrigger;
  at: Date;
  rows: number;
}

/** Probe, loader and ledger in one, over data that lands and changes at simulated instants. */
export class SimulatedWarehouse implements SourceProbe, DayLoader, LedgerReader {
  private readonly data = new Map<string, Version[]>();
  private readonly signals = new Map<string, { at: number; dates: IsoDate[] }[]>();
  private readonly entries = new Map<string, LedgerEntry>();
  private readonly failures = new Map<string, { message: string; hint?: string }>();
  /** Every load, in the order they started. */
  readonly loads: SimulatedLoad[] = [];
  /** Number of `dayStats` and `hasData` calls: the only questions rechecks may ask. */
  readonly probes = { hasData: 0, dayStats: 0 };
  /** Most loads seen running at once, per source; and whether one day ever ran twice at once. */
  readonly peak = { perSource: new Map<string, number>(), sameDayOverlap: false };
  private readonly runningBySource = new Map<string, number>();
  private readonly runningDays = new Set<string>();
  /** Awaited inside every load; tests use it to hold loads open. */
  beforeLoadEnds: (load: SimulatedLoad) => Promise<void> = async () => {};

  constructor(private readonly clock: Clock) {}

  /** From `at` (default now) on, the mapping's day has `rows` rows; `content` versions its values. */
  land(mapping: string, day: IsoDate, rows: number, at: Date | string = this.clock.now(), content = `v${rows}`): void {
    const versions = this.data.get(`${mapping}|${day}`) ?? [];
    versions.push({ at: new Date(at).getTime(), rows, content });
    versions.sort((a, b) => a.at - b.at);
    this.data.set(`${mapping}|${day}`, versions);
  }

  /** From `at` on, the signal dataset of `schedule` holds exactly `dates` (a rewrite of the table). */
  setSignal(schedule: string, dates: IsoDate[], at: Date | string = this.clock.now()): void {
    const history = this.signals.get(schedule) ?? [];
    history.push({ at: new Date(at).getTime(), dates: [...dates] });
    history.sort((a, b) => a.at - b.at);
    this.signals.set(schedule, history);
  }

  /** The next load of the day fails with `message` (a WharfError with `hint` when given, as the engine's). */
  failNextLoad(mapping: string, day: IsoDate, message: string, hint?: string): void {
    this.failures.set(`${mapping}|${day}`, { message, hint });
  }

  private visible(mapping: string, day: IsoDate): Version | undefined {
    const now = this.clock.now().getTime();
    return (this.data.get(`${mapping}|${day}`) ?? []).filter((v) => v.at <= now).at(-1);
  }

  async hasData(mapping: ScheduledMapping, day: IsoDate): Promise<boolean> {
    this.probes.hasData++;
    return (this.visible(mapping.name, day)?.rows ?? 0) > 0;
  }

  async dayStats(mapping: ScheduledMapping, days: IsoDate[]): Promise<DayStats[]> {
    this.probes.dayStats++;
    return days.map((day) => {
      const v = this.visible(mapping.name, day);
      return { day, rowCount: v?.rows ?? 0, fingerprint: v ? v.content : null };
    });
  }

  async latestFinishedDate(schedule: SignalSchedule): Promise<IsoDate | null> {
    const now = this.clock.now().getTime();
    const current = (this.signals.get(schedule.name) ?? []).filter((s) => s.at <= now).at(-1);
    if (!current || current.dates.length === 0) return null;
    return [...current.dates].sort().at(-1)!;
  }

  async load(mapping: ScheduledMapping, day: IsoDate, trigger: LoadTrigger): Promise<LoadOutcome> {
    const key = `${mapping.name}|${day}`;
    const version = this.visible(mapping.name, day);
    const load: SimulatedLoad = { mapping: mapping.name, day, trigger, at: this.clock.now(), rows: version?.rows ?? 0 };
    this.loads.push(load);
    this.enter(mapping.source, key);
    try {
      await this.beforeLoadEnds(load);
      const failure = this.failures.get(key);
      if (failure !== undefined) {
        this.failures.delete(key);
        if (failure.hint === undefined) throw new Error(failure.message);
        throw new WharfError(failure.message, {
          code: 'mapping.column-missing',
          errorClass: 'query',
          hint: failure.hint,
        });
      }
      const status = load.rows > 0 ? 'succeeded' : 'no_data';
      this.write(mapping.name, day, trigger, status, load.rows, version?.content ?? null);
      return { status, rowsLoaded: load.rows, sourceRowCount: load.rows, fingerprint: version?.content ?? null };
    } finally {
      this.leave(mapping.source, key);
    }
  }

  async markNoData(mapping: ScheduledMapping, day: IsoDate): Promise<void> {
    this.write(mapping.name, day, 'schedule', 'no_data', 0, null);
  }

  async ledger(query: LedgerQuery = {}): Promise<LedgerEntry[]> {
    return [...this.entries.values()]
      .filter(
        (e) =>
          (!query.ingestion || e.ingestion === query.ingestion) &&
          (!query.from || e.date >= query.from) &&
          (!query.to || e.date <= query.to),
      )
      .sort((a, b) => compareText(a.date, b.date));
  }

  /** Loads of one mapping's day, in order. */
  loadsOf(mapping: string, day?: IsoDate): SimulatedLoad[] {
    return this.loads.filter((l) => l.mapping === mapping && (day === undefined || l.day === day));
  }

  private write(
    mapping: string,
    day: IsoDate,
    trigger: string,
    status: 'succeeded' | 'no_data',
    rows: number,
    fingerprint: string | null,
  ): void {
    const now = this.clock.now();
    const previous = this.entries.get(`${mapping}|${day}`);
    this.entries.set(`${mapping}|${day}`, {
      ingestion: mapping,
      date: day,
      status,
      errorClass: null,
      errorMessage: null,
      errorHint: null,
      rowsLoaded: rows,
      rowsRejected: 0,
      rejectReasons: {},
      duplicates: 0,
      sourceRowCount: rows,
      sourceFingerprint: fingerprint,
      configHash: 'simulated',
      commitSha: null,
      trigger,
      startedAt: now,
      finishedAt: now,
      firstLoadedAt: previous?.firstLoadedAt ?? (status === 'succeeded' ? now : null),
      loadId: `sim-${this.loads.length}`,
    });
  }

  private enter(source: string, dayKey: string): void {
    if (this.runningDays.has(dayKey)) this.peak.sameDayOverlap = true;
    this.runningDays.add(dayKey);
    const n = (this.runningBySource.get(source) ?? 0) + 1;
    this.runningBySource.set(source, n);
    this.peak.perSource.set(source, Math.max(n, this.peak.perSource.get(source) ?? 0));
  }

  private leave(source: string, dayKey: string): void {
    this.runningDays.delete(dayKey);
    this.runningBySource.set(source, (this.runningBySource.get(source) ?? 1) - 1);
  }
}
