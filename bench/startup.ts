/**
 * `npm run bench:startup`: how long the CLI takes to start, as a user runs it: a new
 * `node framework/bin/run.js ...` process per run (the built CLI in framework/dist/), wall
 * time until it exits. Commands are interleaved run by run, so a busy moment on the machine
 * hits all of them alike. Prints every run's figure and each command's median. On Linux it
 * also prints the CPU time (user + system) each run used, which varies far less than wall
 * time on a busy machine: read from this process's reaped-children counters in /proc.
 * Targets: `ingest --help` <= 0.6 s, `ingest validate` of the example project <= 1.5 s.
 * `ingest status` opens the DuckDB store of a copy of the example project in a temp folder
 * (made by the untimed first pass), as every command that reads or loads data does.
 *
 *   npm run bench:startup -- --runs 9
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { buildPackages } from '../test/support/build.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'framework/bin/run.js');

/** Where the config-module worker keeps the modules it transformed (config/isolation/worker.ts). */
const TRANSFORM_CACHE = join(REPO, 'node_modules/.cache/wharf-config');

/** A copy of the example project's config outside the repository, whose store `status` opens. */
function storeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-startup-'));
  for (const entry of ['wharf.config.ts', 'sources', 'mappings', 'schedules', 'experiments', 'package.json'])
    cpSync(join(REPO, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}
const STORE_PROJECT = storeProject();

const COMMANDS: { label: string; args: string[]; target?: number; before?: () => void }[] = [
  { label: 'ingest --help', args: ['--help'], target: 0.6 },
  { label: 'ingest --version', args: ['--version'] },
  { label: 'ingest validate', args: ['validate', '--project', REPO], target: 1.5 },
  // The first command after every module changed (or in a new clone): each one transformed.
  {
    label: 'ingest validate, all modules edited',
    args: ['validate', '--project', REPO],
    target: 1.5,
    before: () => rmSync(TRANSFORM_CACHE, { recursive: true, force: true }),
  },
  { label: 'ingest status (opens the store)', args: ['status', '--project', STORE_PROJECT] },
];

const PROC_STAT = '/proc/self/stat';
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds used by this process's reaped children (cutime + cstime), or null off Linux. */
function childrenCpu(): number | null {
  if (!existsSync(PROC_STAT)) return null;
  // Fields after the ")" that closes the command name; cutime and cstime are fields 16 and 17.
  const fields = readFileSync(PROC_STAT, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

interface Timing {
  wall: number;
  cpu: number | null;
}

function timeOnce({ args, before }: { args: string[]; before?: () => void }): Timing {
  before?.();
  const cpuBefore = childrenCpu();
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wall = (performance.now() - start) / 1000;
  const cpuAfter = childrenCpu();
  if (r.status !== 0) throw new Error(`ingest ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return { wall, cpu: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs must be a positive whole number, got '${values.runs}'.`);
  buildPackages();
  // One untimed pass: the first start after a build reads files the OS has not cached yet.
  for (const c of COMMANDS) timeOnce(c);
  const times = new Map<string, Timing[]>(COMMANDS.map((c) => [c.label, []]));
  for (let i = 0; i < runs; i++) {
    for (const c of COMMANDS) times.get(c.label)!.push(timeOnce(c));
  }
  console.log(
    `CLI start-up, ${runs} runs each, interleaved (node ${process.version}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}):`,
  );
  for (const c of COMMANDS) {
    const runsOf = times.get(c.label)!;
    const wall = runsOf.map((t) => t.wall);
    const m = median(wall);
    const verdict =
      c.target === undefined
        ? ''
        : m <= c.target
          ? `  (target <= ${c.target} s: met)`
          : `  (target <= ${c.target} s: MISSED)`;
    console.log(`  ${c.label.padEnd(36)} wall median ${m.toFixed(2)} s${verdict}`);
    console.log(`  ${''.padEnd(36)} wall runs   ${wall.map((s) => s.toFixed(2)).join(' ')}`);
    const cpu = runsOf.map((t) => t.cpu);
    if (cpu.every((x): x is number => x !== null)) {
      console.log(`  ${''.padEnd(36)} cpu median  ${median(cpu).toFixed(2)} s`);
      console.log(`  ${''.padEnd(36)} cpu runs    ${cpu.map((s) => s.toFixed(2)).join(' ')}`);
    }
  }
}

try {
  main();
} finally {
  rmSync(STORE_PROJECT, { recursive: true, force: true });
}
