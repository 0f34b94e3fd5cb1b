/**
 * The order test files start in: the longest first. A clean checkout has no durations from an
 * earlier run, and vitest then starts the largest files first; some of the longest are small
 * (the chaos run, a minute, started 191st of 200 in a clean-clone run), so the run ended with
 * one worker on such a file and the other idle. The seconds below are that run's (.ci/run,
 * 2026-12-07), for the files over 20 s; every other file keeps vitest's order after them. A
 * stale entry only moves a file earlier.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONGEST_SECONDS: Record<string, number> = {
  'test/engine/events-columnar-parity.test.ts': 84,
  'test/install/registry-install.test.ts': 74,
  'test/experiments/warehouse-sessions.test.ts': 59,
  'test/chaos/chaos.test.ts': 57,
  'test/plan-cli.test.ts': 43,
  'test/experiments/dialects.test.ts': 42,
  'test/experiments/cli.test.ts': 39,
  'test/safety/concurrent-loads.test.ts': 36,
  'test/workflows/apply-action.test.ts': 33,
  'test/repo-state-flow.test.ts': 32,
  'test/workflows/ingest-action.test.ts': 31,
  'test/init.test.ts': 31,
  'test/agent/agent-e2e.test.ts': 30,
  'framework/connectors/snowflake/snowflake.test.ts': 28,
  'test/agent/agent-page.browser.test.ts': 27,
  'framework/experiments/refresh.test.ts': 24,
  'framework/demo/generate.test.ts': 24,
  'framework/connectors/snowflake/export-thread.test.ts': 24,
  'test/ingest-output-cli.test.ts': 23,
  'test/agent/agent-restart.test.ts': 23,
  'framework/agent/git/follower.test.ts': 23,
  'test/plan-golden.test.ts': 22,
  'test/engine/nested-columns-parity.test.ts': 22,
  'test/config/validate.test.ts': 22,
};

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = (file: TestSpecification) =>
      LONGEST_SECONDS[relative(file.project.config.root, file.moduleId)] ?? 0;
    // Array.prototype.sort is stable: files not listed keep vitest's order.
    return (await super.sort(files)).sort((a, b) => seconds(b) - seconds(a));
  }
}
