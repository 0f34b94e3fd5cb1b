/**
 * When each day of a columnar export is whole: once the export has ended (before that, any
 * day may still get rows), or once the export said the day has all its files (dayWhole: one
 * file per day) and no empty day must be checked first, and the last of the day's files is
 * loaded. Each such day is finished (its end-of-day work) and handed on at once, to be
 * committed while the other days' files still load, instead of every day waiting for the
 * last file of the group: the commits, one after the other in the store, no longer all come
 * after the loading.
 */
import type { ColumnarDayResult } from '../store/types.js';

export interface DayHandOverHooks {
  /**
   * Once the export has ended, before any day is handed on: the days that got no row (a day
   * column whose text holds no date shows as empty days, which fails the whole group). With
   * this hook no day is handed on before the export ends, even one dayWhole named.
   */
  exported?: (emptyDays: number[]) => Promise<void>;
  /** Day `day`, whole and finished: its load is the hook's to commit or roll back. */
  loaded: (day: number, result: ColumnarDayResult) => Promise<void>;
}

export class DayHandOver {
  /** Files of each day handed to the store and not yet loaded. */
  private readonly pending: number[];
  private readonly rows: number[];
  private readonly handed: boolean[];
  /** Days the export named whole before it ended (dayWhole). */
  private readonly whole: boolean[];
  /** Set when the export has ended: settles once `exported` has. */
  private gate: Promise<void> | null = null;
  private readonly running: Promise<void>[] = [];
  private failure: { err: unknown } | null = null;

  constructor(
    private readonly loads: { finish(): Promise<ColumnarDayResult> }[],
    private readonly hooks: DayHandOverHooks,
  ) {
    this.pending = loads.map(() => 0);
    this.rows = loads.map(() => 0);
    this.handed = loads.map(() => false);
    this.whole = loads.map(() => false);
  }

  /** Whether the group has failed: no further day is handed on (the caller rolls the rest back). */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Throws the group's first failure, if any (a source still exporting stops at it). */
  throwIfFailed(): void {
    if (this.failure) throw this.failure.err;
  }

  /** The group failed (the export, a file, a day's finish or hook): the first failure is the one thrown. */
  fail(err: unknown): void {
    this.failure ??= { err };
  }

  /** A file of `rows` rows of `day` goes to the store. */
  queued(day: number, rows: number): void {
    this.pending[day] += 1;
    this.rows[day] += rows;
  }

  /** A file of `day` is loaded (or was dropped after a failure). */
  fileDone(day: number): void {
    this.pending[day] -= 1;
    this.handIfWhole(day);
  }

  /** Every file of `day` is queued: it gets no other row, though the export goes on with other days. */
  dayWhole(day: number): void {
    this.whole[day] = true;
    this.handIfWhole(day);
  }

  /** The export has ended: no day gets another row. */
  exported(): void {
    if (this.failure) return;
    const empty = this.rows.flatMap((n, day) => (n === 0 ? [day] : []));
    this.gate = Promise.resolve().then(() => this.hooks.exported?.(empty));
    this.loads.forEach((_, day) => this.handIfWhole(day));
  }

  /** Settles once every day handed on is committed or failed; throws the group's first failure. */
  async settled(): Promise<void> {
    await Promise.all(this.running);
    this.throwIfFailed();
  }

  private handIfWhole(day: number): void {
    const gate = this.gate;
    const early = this.whole[day] && !this.hooks.exported;
    if ((gate === null && !early) || this.pending[day] > 0 || this.handed[day]) return;
    this.handed[day] = true;
    const handOver = async () => {
      await gate;
      if (this.failure) return;
      const result = await this.loads[day].finish();
      if (!this.failure) await this.hooks.loaded(day, result);
    };
    this.running.push(handOver().catch((err: unknown) => this.fail(err)));
  }
}
