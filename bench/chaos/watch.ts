/**
 * The chaos run's watchdog: every child process it starts is watched, and one that runs far
 * longer than it should is described (its command line, how long it ran, its output so far
 * and, on the PostgreSQL store, what the store's sessions are doing), then killed; whoever
 * awaits it gets that description as a ChaosStall error. `snapshot` describes every child
 * still running, for a run that is stuck somewhere else.
 */
import type { ChildProcess } from 'node:child_process';
import { pgActivity } from './pg-activity.js';

/** Raised for a child that ran past its limit; the message is the whole description. */
export class ChaosStall extends Error {
  override name = 'ChaosStall';
}

export interface WatchOptions {
  /** How long an `ingest run` or `backfill` may run before it counts as stuck, ms. */
  childLimitMs: number;
  /** The PostgreSQL store's URL, whose sessions a report lists. */
  postgresUrl?: string;
}

/** A watched child: its limit can be moved (an agent's starts when it is asked to stop). */
export interface Watched {
  /** Sets the limit to `ms` from now. */
  limitIn(ms: number): void;
  /** Stderr so far (its last part). */
  stderr(): string;
}

interface Entry {
  label: string;
  child: ChildProcess;
  started: number;
  deadline: number;
  stdout: string;
  stderr: string;
  onStall: (error: ChaosStall) => void;
}

/** Output kept per child and stream: its last part is what says where it stopped. */
const OUTPUT_KEPT = 8_000;

export class ChaosWatch {
  private readonly live = new Set<Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly options: WatchOptions) {
    this.timer = setInterval(() => this.check(), 500);
    this.timer.unref();
  }

  /**
   * Watches `child` (its stdout and stderr piped, or ignored) until it exits. `limitMs` defaults to the
   * child limit; Infinity watches without a limit until `limitIn` sets one.
   */
  watch(child: ChildProcess, label: string, onStall: (error: ChaosStall) => void, limitMs?: number): Watched {
    const started = Date.now();
    const entry: Entry = {
      label,
      child,
      started,
      deadline: started + (limitMs ?? this.options.childLimitMs),
      stdout: '',
      stderr: '',
      onStall,
    };
    this.live.add(entry);
    child.stdout?.on('data', (c: Buffer) => (entry.stdout = (entry.stdout + c.toString()).slice(-OUTPUT_KEPT)));
    child.stderr?.on('data', (c: Buffer) => (entry.stderr = (entry.stderr + c.toString()).slice(-OUTPUT_KEPT)));
    child.once('exit', () => this.live.delete(entry));
    return { limitIn: (ms) => (entry.deadline = Date.now() + ms), stderr: () => entry.stderr };
  }

  /** Every child still running, described, and the store's sessions. */
  async snapshot(): Promise<string> {
    const children = [...this.live].map((e) => describe(e));
    const store = this.options.postgresUrl ? `\n${await pgActivity(this.options.postgresUrl)}` : '';
    return `${children.length} child process(es) running:\n${children.join('\n') || '  (none)'}${store}`;
  }

  /** Stops watching; a child still running (the run failed elsewhere) is killed rather than left behind. */
  stop(): void {
    clearInterval(this.timer);
    for (const { child } of this.live) child.kill('SIGKILL');
    this.live.clear();
  }

  private check(): void {
    const now = Date.now();
    for (const entry of this.live) {
      if (now < entry.deadline) continue;
      this.live.delete(entry);
      void this.report(entry);
    }
  }

  /** Describes the child while it still holds what it holds, then kills it. */
  private async report(entry: Entry): Promise<void> {
    const store = this.options.postgresUrl ? `\n${await pgActivity(this.options.postgresUrl)}` : '';
    const text = `stuck child process, killed by the chaos watchdog:\n${describe(entry)}${store}`;
    entry.child.kill('SIGKILL');
    entry.onStall(new ChaosStall(text));
  }
}

function describe(e: Entry): string {
  const seconds = ((Date.now() - e.started) / 1000).toFixed(1);
  const quoted = (text: string) => (text.trim() ? text.trimEnd().replace(/^/gm, '    | ') : '    | (nothing)');
  const stdout = e.child.stdout ? `\n  stdout so far:\n${quoted(e.stdout)}` : '';
  return `  ${e.label} (pid ${e.child.pid}) running for ${seconds} s; stderr so far:\n${quoted(e.stderr)}${stdout}`;
}
