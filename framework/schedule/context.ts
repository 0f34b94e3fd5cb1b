/**
 * What every scheduler phase works with: the setup, the injected dependencies, the state,
 * and the one way to record a decision or put a load on the queue.
 */
import type { IsoDate, ScheduleConfig } from '../config/types.js';
import { WharfError } from '../diagnostics/errors.js';
import type { LedgerEntry } from '../store/types.js';
import type { NewQueueItem, SchedulerState } from './state.js';
import type {
  Clock,
  DayLoader,
  Decision,
  LedgerReader,
  ScheduledMapping,
  SchedulerSetup,
  SourceProbe,
} from './types.js';

/** The scheduler's injected dependencies. */
export interface SchedulerDeps {
  clock: Clock;
  loader: DayLoader;
  probe: SourceProbe;
  ledger: LedgerReader;
  state: SchedulerState;
}

/** A ledger day counts as loaded when it succeeded, with or without data. */
export function isLoaded(entry: LedgerEntry | undefined): boolean {
  return entry !== undefined && entry.status !== 'failed';
}

/** Shared by the phases of one scheduler; never handed outside the core. */
export class SchedulerContext {
  constructor(
    readonly setup: SchedulerSetup,
    readonly deps: SchedulerDeps,
    readonly recheckEveryMs: number,
    private readonly onDecision: (decision: Decision) => void,
  ) {}

  get state(): SchedulerState {
    return this.deps.state;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  async record(decision: Omit<Decision, 'at'>): Promise<void> {
    const full: Decision = { at: this.now(), ...decision };
    await this.state.recordDecision(full);
    this.onDecision(full);
  }

  mapping(name: string): ScheduledMapping | undefined {
    return this.setup.mappings.find((m) => m.name === name);
  }

  mappingOrThrow(name: string): ScheduledMapping {
    const mapping = this.mapping(name);
    if (!mapping) {
      throw new WharfError(`No mapping named '${name}'.`, {
        code: 'schedule.unknown-mapping',
        errorClass: 'config',
        hint: `Known mappings: ${this.setup.mappings.map((m) => m.name).join(', ') || '(none)'}.`,
      });
    }
    return mapping;
  }

  schedule(name: string): ScheduleConfig | undefined {
    return this.setup.schedules.find((s) => s.name === name);
  }

  mappingsOf(schedule: string): ScheduledMapping[] {
    return this.setup.mappings.filter((m) => m.schedule === schedule);
  }

  /** The mapping's ledger, by day. */
  async ledgerDays(mapping: string, from?: IsoDate, to?: IsoDate): Promise<Map<IsoDate, LedgerEntry>> {
    const entries = await this.deps.ledger.ledger({ ingestion: mapping, from, to });
    return new Map(entries.map((e) => [e.date, e]));
  }

  async ledgerDay(mapping: string, day: IsoDate): Promise<LedgerEntry | undefined> {
    return (await this.ledgerDays(mapping, day, day)).get(day);
  }

  /**
   * Puts a load on the queue and records why. A day already waiting is not queued twice
   * (recorded as skipped); a day that is running may wait behind itself, never beside it.
   */
  async enqueue(
    item: Omit<NewQueueItem, 'enqueuedAt'>,
    decision: Pick<Decision, 'action' | 'reason'> & { schedule?: string },
  ): Promise<boolean> {
    const queued = await this.state.enqueue({ ...item, enqueuedAt: this.now() });
    const base = { mapping: item.mapping, day: item.day, trigger: item.trigger, schedule: decision.schedule };
    if (!queued) {
      await this.record({ ...base, action: 'skipped', reason: `already queued; ${decision.reason}` });
      return false;
    }
    await this.record({ ...base, action: decision.action, reason: decision.reason });
    return true;
  }
}
