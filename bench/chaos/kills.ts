/**
 * Random SIGKILLs of `ingest run` and `ingest backfill` while they load, one process at a
 * time (a DuckDB store admits one process), then a backfill that completes every day.
 */
import { CHAOS_MAPPINGS } from './project.js';
import type { IngestProcesses } from './processes.js';

export interface KillOptions {
  rounds: number;
  days: string[];
  random: () => number;
  processes: IngestProcesses;
  log: (line: string) => void;
  /** Range of the delay before the kill, ms (process start-up included). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface KillReport {
  kills: number;
  /** Commands that finished before their kill came. */
  completed: number;
}

export async function killRounds(dir: string, options: KillOptions): Promise<KillReport> {
  const { days, random } = options;
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const report: KillReport = { kills: 0, completed: 0 };
  for (let round = 1; round <= options.rounds; round++) {
    const mapping = pick(CHAOS_MAPPINGS);
    const from = Math.floor(random() * days.length);
    const to = from + Math.floor(random() * (days.length - from));
    const args =
      random() < 0.5
        ? ['backfill', mapping, '--from', days[from], '--to', days[to], '--force']
        : ['run', mapping, '--date', days[from]];
    // A random moment from start-up to well into the loads (a day loads in 0.1-3 s).
    const delay = Math.round(
      (options.minDelayMs ?? 300) + random() * ((options.maxDelayMs ?? 4_000) - (options.minDelayMs ?? 300)),
    );
    const { killed, result } = await options.processes.killAfter(dir, args, delay);
    if (killed) report.kills++;
    else if (result.code === 0) report.completed++;
    else
      throw new Error(`ingest ${args.join(' ')} failed without being killed (exit ${result.code}):\n${result.stderr}`);
    options.log(
      `round ${round}: ingest ${args.join(' ')} ${killed ? `killed after ${delay} ms` : `finished first (${result.ms} ms)`}`,
    );
  }
  // Every day loaded at least once: days whose loads were all killed are loaded now.
  const all = await options.processes.run(dir, ['run', '--all', '--to', days[days.length - 1]]);
  options.log(`ingest run --all: ${all.ms} ms`);
  return report;
}

/**
 * `copies` loads of the same day at once (`run` and `backfill --force` side by side). On a
 * DuckDB store all but one are refused (the file admits one process); a refusal is counted,
 * not an error. Whether the day is then loaded once is what checkDays says.
 */
export async function concurrentSameDay(
  dir: string,
  day: string,
  copies: number,
  processes: IngestProcesses,
  log: (line: string) => void,
): Promise<{ succeeded: number; refused: number }> {
  const runs = Array.from(
    { length: copies },
    (_, i) =>
      processes.start(
        dir,
        i % 2 === 0
          ? ['run', CHAOS_MAPPINGS[1], '--date', day]
          : ['backfill', CHAOS_MAPPINGS[1], '--from', day, '--to', day, '--force'],
      ).done,
  );
  const results = await Promise.all(runs);
  const succeeded = results.filter((r) => r.code === 0).length;
  const slowest = Math.max(...results.map((r) => r.ms));
  log(
    `${copies} concurrent loads of ${CHAOS_MAPPINGS[1]} ${day}: ${succeeded} exited 0, ${copies - succeeded} refused or failed (slowest ${slowest} ms)`,
  );
  // Why each one that did not exit 0 stopped: a refusal names the store file's holder.
  for (const r of results.filter((r) => r.code !== 0))
    log(`  pid ${r.pid} exited ${r.code ?? r.signal} after ${r.ms} ms: ${firstLine(r.stderr || r.stdout)}`);
  return { succeeded, refused: copies - succeeded };
}

/** The first line of a command's output that says something (oclif prefixes its error lines with ›). */
function firstLine(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/^\s*›?\s*/, '').trim());
  return lines.filter(Boolean).slice(0, 3).join(' ') || '(no output)';
}
