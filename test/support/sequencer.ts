/**
 * The order test files start in: the longest first. A clean checkout has no durations from an
 * earlier run, and vitest then starts the largest files first; some of the longest are small
 * (the chaos run, a minute, started 191st of 200 in a clean-clone run), so the run ended with
 * one worker on such a file and the other idle. The seconds below are a later clean-clone
 * run's (.ci/run of c93502f, 2026-12-07), for the files of 20 s and more; every other file
 * keeps vitest's order after them. A stale entry only moves a file earlier.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_SECONDS: Record<string, number> = {
  'test/install/registry-install.test.ts': 62,
  'test/engine/events-columnar-parity.test.ts': 58,
  'test/experiments/cli.test.ts': 52,
  'test/experiments/warehouse-sessions.test.ts': 50,
  'test/chaos/chaos.test.ts': 45,
  'test/experiments/dialects.test.ts': 40,
  'test/safety/concurrent-loads.test.ts': 40,
  'test/agent/agent-e2e.test.ts': 37,
  'test/workflows/ingest-action.test.ts': 36,
  'framework/connectors/snowflake/snowflake.test.ts': 33,
  'test/agent/agent-page.browser.test.ts': 33,
  'test/workflows/apply-action.test.ts': 32,
  'framework/experiments/refresh.test.ts': 29,
  'test/plan-cli.test.ts': 28,
  'framework/agent/git/follower.test.ts': 27,
  'test/config/validate.test.ts': 26,
  'test/plan-apply-scenario.test.ts': 24,
  'test/repo-state-flow.test.ts': 23,
  'framework/demo/generate.test.ts': 23,
  'test/ingest-output-cli.test.ts': 23,
  'test/agent/agent-bad-module.test.ts': 23,
  'framework/connectors/snowflake/export-thread.test.ts': 22,
  'framework/experiments/warehouse.test.ts': 22,
  'test/agent/agent-restart.test.ts': 21,
  'test/state-cli.test.ts': 21,
  'test/engine/nested-columns-parity.test.ts': 20,
  'test/plan-golden.test.ts': 20,
  'test/engine/columnar-days.test.ts': 20,
  'test/config/module-isolation.test.ts': 20,
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (file: TestSpecification) =>
      LONGEST_SECONDS[relative(file.project.config.root, file.moduleId)] ?? 0;
    // Array.prototype.sort is stable: files not listed keep vitest's order.
    return (await super.sort(files)).sort((a, b) => seconds(b) - seconds(a));
  }
}
