/**
 * What `ingest run` and `ingest backfill` print while they load:
 * - stdout not a terminal (CI logs, pipes, files): one plain line per finished day on stdout,
 *   written once (multi-day commands only; a single-day run prints its result instead);
 * - stderr a terminal: a progress bar on stderr with days done of the total, rows, rows/s and
 *   time left (cli-progress), cleared by `finish()` so the summary starts on its own line;
 *   retries and failed days are printed above the bar;
 * - neither: progress is not shown; retries go to stderr as plain lines.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import pc from 'picocolors';
import type { DayResult, ProgressEvent } from '../engine/types.js';
import { counted } from '../util/plural.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/** One finished day as a log line. */
export function dayLine(r: DayResult): string {
  const status =
    r.status === 'failed' ? pc.red(r.status) : r.status === 'succeeded' ? pc.green(r.status) : pc.dim(r.status);
  const rows =
    r.status === 'skipped'
      ? 'already loaded'
      : `${counted(r.rowsLoaded, 'row')}, ${fmt(r.rowsRejected)} rejected${r.duplicates ? `, ${counted(r.duplicates, 'duplicate')} dropped` : ''}`;
  const err = r.errorMessage ? ` — ${r.errorClass}: ${r.errorMessage}` : '';
  return `${r.mapping} ${r.day} ${status} ${rows}${r.status === 'skipped' ? '' : ` in ${fmt(r.durationMs)} ms`}${err}`;
}

/**
 * Time left at the pace so far: "estimating…" before the first day is done (cli-progress's own ETA prints NULL/INF
 * then).
 */
export function timeLeft(elapsedSeconds: number, done: number, total: number): string {
  if (done === 0) return 'estimating time left';
  const s = Math.round((elapsedSeconds / done) * Math.max(0, total - done));
  if (s < 60) return `${s}s left`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s left`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m left`;
}

export interface ProgressOutput {
  /** Where day lines go (stdout) and whether it is a terminal. */
  stdout: { write(text: string): unknown; isTTY?: boolean };
  /** Where the bar and retries go (stderr). */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Print one line per finished day when stdout is not a terminal (false for a single-day run). */
  dayLines: boolean;
}

export class ProgressReporter {
  private planned = 0;
  private started = 0;
  private done = 0;
  private rows = 0;
  private readonly since = Date.now();
  private multi: MultiBar | null = null;
  private bar: SingleBar | null = null;

  constructor(private readonly out: ProgressOutput) {}

  readonly onEvent = (event: ProgressEvent): void => {
    if (event.kind === 'planned') this.planned += event.days;
    else if (event.kind === 'day-started') this.started++;
    else if (event.kind === 'rows') this.rows += event.rows;
    else if (event.kind === 'day-finished') this.finished(event.result);
    else if (event.kind === 'retrying')
      this.notice(`${event.mapping} ${event.day} retry ${event.attempt}: ${event.message}`);
    else if (event.kind === 'waiting')
      this.notice(`${event.mapping} ${event.day} waits for another load of the day: ${event.holder}`);
    this.draw(
      event.kind === 'planned'
        ? ''
        : `${event.kind === 'day-finished' ? event.result.mapping : event.mapping} ${event.kind === 'day-finished' ? event.result.day : event.day}`,
    );
  };

  private finished(r: DayResult): void {
    this.done++;
    if (this.out.dayLines && !this.out.stdout.isTTY) this.out.stdout.write(`${dayLine(r)}\n`);
    else if (r.status === 'failed' && this.out.stderr.isTTY) this.notice(dayLine(r));
  }

  /** A line printed above the bar on a terminal, as a plain stderr line otherwise. */
  private notice(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else this.out.stderr.write(`${line}\n`);
  }

  private draw(what: string): void {
    if (!this.out.stderr.isTTY) return;
    const total = Math.max(this.planned, this.started, this.done, 1);
    const seconds = Math.max(0.001, (Date.now() - this.since) / 1000);
    const payload = {
      what,
      rows: fmt(this.rows),
      rate: fmt(Math.round(this.rows / seconds)),
      left: timeLeft(seconds, this.done, total),
    };
    if (!this.bar) {
      this.multi = new MultiBar({
        stream: this.out.stderr,
        format: `${pc.dim('ingesting')} {bar} {value}/{total} days · {rows} rows · {rate} rows/s · {left} · {what}`,
        barsize: 20,
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      });
      this.bar = this.multi.create(total, this.done, payload);
    }
    this.bar.setTotal(total);
    this.bar.update(this.done, payload);
  }

  /** Stops and clears the bar: call before printing the summary. Safe to call twice. */
  finish(): void {
    this.multi?.update(); // flushes lines logged above the bar since the last redraw
    this.multi?.stop();
    this.multi = null;
    this.bar = null;
  }
}
