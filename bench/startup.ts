/**
 * `npm run bench:startup`: how long the CLI takes to start, as a user runs it: a new
 * `node framework/bin/run.js ...` process per run (the built CLI in framework/dist/), wall
 * time until it exits. Commands are interleaved run by run, so a busy moment on the machine
 * hits all of them alike. Prints every run's figure and each command's median.
 * Targets: `ingest --help` <= 0.6 s, `ingest validate` of the example project <= 1.5 s.
 *
 *   npm run bench:startup -- --runs 9
 */
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { buildPackages } from '../test/support/build.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'framework/bin/run.js');

const COMMANDS: { label: string; args: string[]; target?: number }[] = [
  { label: 'ingest --help', args: ['--help'], target: 0.6 },
  { label: 'ingest --version', args: ['--version'] },
  { label: 'ingest validate', args: ['validate', '--project', REPO], target: 1.5 },
];

function timeOnce(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`ingest ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, got '${values.runs}'.`);
  buildPackages();
  // One untimed pass: the first start after a build reads files the OS has not cached yet.
  for (const c of COMMANDS) timeOnce(c.args);
  const times = new Map<string, number[]>(COMMANDS.map((c) => [c.label, []]));
  for (let i = 0; i < runs; i++) {
    for (const c of COMMANDS) times.get(c.label)!.push(timeOnce(c.args));
  }
  console.log(`CLI start-up, ${runs} runs each, interleaved (node ${process.version}):`);
  for (const c of COMMANDS) {
    const t = times.get(c.label)!;
    const m = median(t);
    const verdict = c.target === undefined ? '' : m <= c.target ? `  (target <= ${c.target} s: met)` : `  (target <= ${c.target} s: MISSED)`;
    console.log(`  ${c.label.padEnd(18)} median ${m.toFixed(2)} s${verdict}`);
    console.log(`  ${''.padEnd(18)} runs   ${t.map((s) => s.toFixed(2)).join(' ')}`);
  }
}

main();
