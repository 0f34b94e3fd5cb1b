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
    poolOptions: { forks: { isolate: false } },
    // Two test files at a time (vitest's default is one less than the cores: one on a 2-core
    // machine). The two keep both cores busy: a third worker made the run slower.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
