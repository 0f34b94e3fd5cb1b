/**
 * CPU time of the bench's PostgreSQL cluster (source and store alike), read from /proc: the
 * postmaster, its live processes, and the processes it has reaped (a backend's CPU time is
 * added to the postmaster's children's times when its connection ends). Printed per run
 * beside Wharf's own CPU time, since on a shared machine CPU time compares better than wall
 * time, and the PostgreSQL store's work happens in the server, not in Wharf's process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime, stime, cutime, cstime of a process, in ticks (0 when it has exited). */
function times(pid: string): number[] {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return [0, 0, 0, 0];
  try {
    const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
    return fields.slice(11, 15).map(Number);
  } catch {
    return [0, 0, 0, 0];
  }
}

/** A function returning the cluster's CPU seconds so far, or null where /proc is not readable. */
export function clusterCpu(url: string): (() => number) | null {
  try {
    const dataDir = execFileSync('psql', [url, '-Atc', 'SHOW data_directory'], { encoding: 'utf8' }).trim();
    const postmaster = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
    if (!existsSync(`/proc/${postmaster}/task/${postmaster}/children`)) return null;
    return () => {
      const [user, system, childUser, childSystem] = times(postmaster);
      const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim();
      const live = children ? children.split(' ').map((pid) => times(pid)[0] + times(pid)[1]) : [];
      return (user + system + childUser + childSystem + live.reduce((a, b) => a + b, 0)) / TICKS;
    };
  } catch {
    return null;
  }
}
