/**
 * A bench child's own peak RSS. Node's `resourceUsage().maxRSS` is getrusage's ru_maxrss,
 * which on Linux keeps the peak of the process image before exec: a child spawned by the
 * bench (fork, then exec) starts with the bench process's RSS as its "peak" — the fakes'
 * tables, the data just generated — so a small load read as 600–990 MB. The kernel's
 * high-water mark of the current image (VmHWM in /proc/self/status) is the child's alone.
 */
import { readFileSync } from 'node:fs';

/** Peak RSS of this process image in MB; ru_maxrss where /proc is not there. */
export function ownPeakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}
