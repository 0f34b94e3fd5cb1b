/**
 * Progress of long runs: on a terminal one line rewritten in place (days done, rows, rows/s);
 * elsewhere (CI logs, pipes) one plain line per finished day.
 */
import pc from 'picocolors';
import type { DayResult, ProgressEvent } from '../engine/types.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/** One finished day as a log line. */
export function dayLine(r: DayResult): string {
  const status = r.status === 'failed' ? pc.red(r.status) : r.status === 'succeeded' ? pc.green(r.status) : pc.dim(r.status);
  const rows = r.status === 'skipped' ? 'already loaded' : `${fmt(r.rowsLoaded)} rows, ${fmt(r.rowsRejected)} rejected`;
  const err = r.errorMessage ? ` — ${r.errorClass}: ${r.errorMessage}` : '';
  return `${r.mapping} ${r.day} ${status} ${rows}${r.status === 'skipped' ? '' : ` in ${fmt(r.durationMs)} ms`}${err}`;
}

export class ProgressReporter {
  private days = 0;
  private rows = 0;
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(private readonly write: (text: string) => void, private readonly tty: boolean) {}

  readonly onEvent = (event: ProgressEvent): void => {
    if (event.kind === 'rows') {
      this.rows += event.rows;
      if (this.tty && Date.now() - this.lastDraw > 200) this.draw(`${event.mapping} ${event.day}`);
    } else if (event.kind === 'day-finished') {
      this.days++;
      if (this.tty) this.draw(`${event.result.mapping} ${event.result.day} ${event.result.status}`);
      else this.write(`${dayLine(event.result)}\n`);
      if (this.tty && event.result.status === 'failed') this.write(`\r\x1b[2K${dayLine(event.result)}\n`);
    } else if (event.kind === 'retrying') {
      this.write(`${this.tty ? '\r\x1b[2K' : ''}${event.mapping} ${event.day} retry ${event.attempt}: ${event.message}\n`);
    } else if (event.kind === 'waiting') {
      this.write(`${this.tty ? '\r\x1b[2K' : ''}${event.mapping} ${event.day} waits for another load of the day: ${event.holder}\n`);
    }
  };

  private draw(what: string): void {
    this.lastDraw = Date.now();
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    this.write(`\r\x1b[2K${pc.dim('ingesting')} ${what} · ${fmt(this.days)} days · ${fmt(this.rows)} rows · ${fmt(Math.round(this.rows / seconds))} rows/s`);
  }

  /** Clears the in-place line before the final output. */
  finish(): void {
    if (this.tty) this.write('\r\x1b[2K');
  }
}
