import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/sequencer.js';

// test/fixtures/ holds tests that must fail; only the tests that check that run them.
const runFixtures = process.env.WHARF_RUN_FIXTURES === '1';

export default defineConfig({
  // Tests run the TypeScript sources of @wharf/framework and the plugins (the "@wharf/source"
  // export condition), not their build in dist/; the CLI they spawn runs the build.
  ssr: { resolve: { conditions: ['@wharf/source', 'node', 'development|production'] } },
  test: {
    include: runFixtures
      ? ['test/fixtures/**/*.test.ts']
      : ['framework/**/*.test.ts', 'plugins/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: runFixtures ? ['**/node_modules/**'] : ['**/node_modules/**', 'test/fixtures/**'],
    setupFiles: ['./vitest.setup.ts'],
    globalSetup: runFixtures ? [] : ['./test/global-setup.ts'],
    pool: 'forks',
    // A worker process runs one test file after another, keeping the modules it imported: a
    // fresh process per file made the whole run a third longer (1,059 s against 802 s, one machine).
    // So a test that needs a module evaluated anew (state read from the environment when it
    // loads) sets the variable with vi.stubEnv and imports after vi.resetModules, and unstubs.
    // A larger young generation (V8's default semi-space is 16 MB): a test streaming a million
    // rows through the Snowflake client in this process spent 6.9 s of its 19 s of CPU in the
    // garbage collector; the streaming conformance tests of the Snowflake and BigQuery fakes
    // took 32-36 s together against 41-43 s with the default (two runs each).
    poolOptions: { forks: { isolate: false, execArgv: ['--max-semi-space-size=64'] } },
    // Two test files at a time (vitest's default is one less than the cores: one on a 2-core
    // machine). The two keep both cores busy: a third worker made the run slower.
    maxWorkers: 2,
    // Each DuckDB instance on one thread (unless a test or the code sets its own): by default
    // every instance starts a thread per core, and the two workers and the CLI processes they
    // start already keep both cores busy. Two full runs on one 2-core machine, one after the
    // other: 825 s and 1,564 CPU-s with a thread per core, 735 s and 1,379 CPU-s with one
    // (clean-clone .ci/run times varied more than that between runs, so they neither showed
    // nor ruled out the gain). Tests of what threads change set them.
    env: { WHARF_DUCKDB_THREADS: process.env.WHARF_DUCKDB_THREADS ?? '1' },
    sequence: { sequencer: LongestFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
