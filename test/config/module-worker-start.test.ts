/**
 * The config-module worker's start-up is under a limit: a worker that sends nothing from its
 * spawn is stopped, and one that ends before its first message fails the load; both as a
 * transient error of the loader, never as a problem of a module (no module had started).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, importIsolated, limitsFromEnv } from '../../framework/config/isolation/isolated-import.js';
import { WharfError } from '../../framework/diagnostics/errors.js';
import { stuckConfigWorker } from '../support/stuck-config-worker.js';
import { until } from '../support/until.js';

function module(): { absolute: string; file: string } {
  const absolute = join(mkdtempSync(join(tmpdir(), 'wharf-start-')), 'settings.ts');
  writeFileSync(absolute, 'export default { name: "settings" };\n');
  return { absolute, file: 'settings.ts' };
}

/** The worker threads of this process that are running (each gives its own part of a diagnostic report). */
const runningWorkers = () => (process.report.getReport() as { workers: unknown[] }).workers.length;

describe('the config-module worker start-up limit', () => {
  it('stops a worker that sends nothing within the limit and fails the load with config.loader-start-timeout', async () => {
    const before = runningWorkers();
    const load = importIsolated(
      [module()],
      { ...DEFAULT_LIMITS, startMs: 1_000 },
      { entry: stuckConfigWorker('silent') },
    );
    let settled = false;
    const failure = load.catch((err: unknown) => err).finally(() => (settled = true));
    // Seen running (unless a very slow start-up outlasted the limit), then gone after the failure.
    await until('the silent worker running', async () => settled || runningWorkers() > before, { limitMs: 30_000 });
    const err = await failure;
    expect(err).toBeInstanceOf(WharfError);
    expect(err).toMatchObject({ code: 'config.loader-start-timeout', errorClass: 'state', transient: true });
    expect((err as WharfError).message).toBe(
      'The config loader thread did not start within 1 s (it was stopped before loading any config module).',
    );
    expect((err as WharfError).hint).toContain('WHARF_CONFIG_LOADER_START_TIMEOUT');
    await until('the silent worker ended', async () => runningWorkers() === before, { limitMs: 30_000 });
  });

  it('fails the load with config.loader-start-failed when the worker ends before its first message', async () => {
    const entry = stuckConfigWorker('exits');
    const err = await importIsolated([module()], DEFAULT_LIMITS, { entry }).catch((e) => e);
    expect(err).toMatchObject({ code: 'config.loader-start-failed', errorClass: 'state', transient: true });
    expect((err as WharfError).message).toContain('the thread ended (exit code 3)');
  });

  it('takes the limit from WHARF_CONFIG_LOADER_START_TIMEOUT, and names the variable when it is not a duration', () => {
    expect(limitsFromEnv({ WHARF_CONFIG_LOADER_START_TIMEOUT: '90s' }).startMs).toBe(90_000);
    expect(limitsFromEnv({}).startMs).toBe(DEFAULT_LIMITS.startMs);
    for (const text of ['90', '0s', '1d5'])
      expect(() => limitsFromEnv({ WHARF_CONFIG_LOADER_START_TIMEOUT: text })).toThrow(
        `WHARF_CONFIG_LOADER_START_TIMEOUT=${text} is not a time limit.`,
      );
  });
});
